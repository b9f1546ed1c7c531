// A bulk action: one action on every job a filter matches, capped. It is what
// `spawnq retry-failed` and `spawnq cancel` do with filters, and what the web
// console does for "everything this filter matches". The jobs are chosen
// first (oldest first, at most max + 1 of them, so that too many is known
// without counting the table), then acted on by id with the same fenced
// statements as one job: a job that changed status in between is left as
// it is and says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_admin.hpp"
#include "job_search.hpp"

namespace spawnq {

class JobStore;

enum class BulkAction { retry, cancel, remove };

// "retry", "cancel", "delete": the words of the CLI and of the JSON API.
std::string_view to_string(BulkAction action);
std::optional<BulkAction> parse_bulk_action(std::string_view text);

// The cap an operator lifts by asking, from the CLI with --max.
constexpr int kDefaultBulkMax = 1000;

struct BulkRequest {
  BulkAction action = BulkAction::retry;
  JobFilter filter;
  int max = kDefaultBulkMax;  // more matching jobs than this: refused, nothing changed
  std::optional<int> limit;   // act on the oldest this many and never refuse, when ≤ max
};

struct BulkResult {
  bool refused = false;                 // more than max matched
  std::vector<JobActionResult> jobs;    // each job acted on, oldest first; empty when refused
};

// How a bulk action's jobs ended, for one line of report.
struct BulkTally {
  std::size_t changed = 0;   // re-queued, cancelled or deleted
  std::size_t stopping = 0;  // cancel: running, its daemon asked to stop it
  std::size_t left = 0;      // not changed: finished meanwhile, gone, reference held, waited for
};

BulkResult run_bulk(JobStore& store, const BulkRequest& request);

// The action on these jobs, by id, in the order given: what run_bulk does
// once it has chosen, and what the console does for the jobs ticked.
std::vector<JobActionResult> act_on_jobs(JobStore& store, BulkAction action, const std::vector<JobId>& ids);

BulkTally tally(const std::vector<JobActionResult>& jobs);

// One line for people: "re-queued 3 jobs", "cancelled 2 jobs; asked the
// daemons to stop 1 running job; 1 job left as it was (finished, gone or
// held meanwhile)".
std::string describe(BulkAction action, const BulkTally& tally);

}  // namespace spawnq
