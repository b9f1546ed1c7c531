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
  return BulkResult{false, act_on_jobs(store, request.action, ids)};
}

std::vector<JobActionResult> act_on_jobs(JobStore& store, BulkAction action, const std::vector<JobId>& ids) {
  if (ids.empty()) return {};
  switch (action) {
    case BulkAction::retry: return store.admin().retry_jobs(ids);
    case BulkAction::cancel: return store.admin().cancel_jobs(ids);
    case BulkAction::remove: return store.admin().delete_jobs(ids);
  }
  return {};
}

std::string describe(BulkAction action, const BulkTally& t) {
  const auto counted = [](std::size_t count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
  };
  const char* verb = action == BulkAction::retry ? "re-queued" : action == BulkAction::cancel ? "cancelled" : "deleted";
  std::string line = verb + (" " + counted(t.changed, "job"));
  if (t.stopping > 0) line += "; asked the daemons to stop " + counted(t.stopping, "running job");
  if (t.left > 0) {
    line += "; " + counted(t.left, "job") + " left as " + (t.left == 1 ? "it was" : "they were") +
            " (finished, gone or held meanwhile)";
  }
  return line;
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
