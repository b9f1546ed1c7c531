#include "job_bulk.hpp"

#include <algorithm>

#include "enum_names.hpp"
#include "job_store.hpp"

namespace spawnq {

namespace {

constexpr EnumNames<BulkAction, 3> kActionNames = {{{
    {BulkAction::retry, "retry"},
    {BulkAction::cancel, "cancel"},
    {BulkAction::remove, "delete"},
}}};

}  // namespace

std::string_view to_string(BulkAction action) { return kActionNames.name(action); }

std::optional<BulkAction> parse_bulk_action(std::string_view text) { return kActionNames.parse(text); }

BulkResult run_bulk(JobStore& store, const BulkRequest& request) {
  // One past the cap tells "too many" apart from "exactly max".
  const int take = std::min(request.limit.value_or(request.max + 1), request.max + 1);
  const std::vector<JobId> ids = store.search().matching_ids(request.filter, take);
  if (static_cast<int>(ids.size()) > request.max) return BulkResult{true, {}};
  if (ids.empty()) return BulkResult{};
  switch (request.action) {
    case BulkAction::retry:
      return BulkResult{false, store.admin().retry_jobs(ids)};
    case BulkAction::cancel:
      return BulkResult{false, store.admin().cancel_jobs(ids)};
    case BulkAction::remove:
      return BulkResult{false, store.admin().delete_jobs(ids)};
  }
  return BulkResult{};
}

BulkTally tally(const std::vector<JobActionResult>& jobs) {
  BulkTally t;
  for (const JobActionResult& job : jobs) {
    if (job.changed) ++t.changed;
    else if (job.stopping) ++t.stopping;
    else ++t.left;
  }
  return t;
}

}  // namespace spawnq
