// The console's actions: what a POST asks for (parse_action, pure, from the
// path and a form or JSON body) and carrying it out on a JobStore
// (perform_action) through the same fenced statements as the CLI. The
// console checks the role first and writes the audit entry after.
//
//   POST /api/jobs                     action=retry|cancel|delete with id=…,
//                                      or action_all=… with the filter fields
//   POST /api/jobs/ID/retry            (and cancel, delete): one job
//   POST /api/jobs/bulk                {"action", "filter", "max"}: refused
//                                      (409) when more than max match
//   POST /api/queues/QUEUE/pause       and …/resume
//   POST /api/schedules/NAME/run       enqueue the schedule's job now
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/job_bulk.hpp"
#include "config/config.hpp"
#include "config/job_filter_text.hpp"
#include "web/access.hpp"
#include "web/web_request.hpp"

namespace spawnq {

class JobStore;

struct JobsAction {
  BulkAction action = BulkAction::retry;
  std::vector<JobId> ids;  // the jobs ticked; empty when `all`
  bool all = false;        // everything the filter matches, the oldest kDefaultBulkMax
  JobFilterText text;      // the filter, as written (for the confirmation and the audit)
  std::optional<std::string> error_group;
  bool confirmed = false;  // a form's "yes" to the confirmation of `all`
  std::optional<int> max;  // /api/jobs/bulk: more matching jobs than this is refused, nothing changed
};

// What one click or call may act on at most.
inline constexpr int kMostPerAction = kDefaultBulkMax;

struct QueueAction {
  std::string queue;
  bool pause = true;
};

struct ScheduleAction {
  std::string schedule;
};

struct ActionRequest {
  std::variant<JobsAction, QueueAction, ScheduleAction> what;
  bool json = false;                     // answer with JSON rather than a redirect
  std::optional<std::string> return_to;  // a form's page to go back to (a path of ours)
};

// nullopt: `path` is no action's. Throws UsageError for a malformed body
// or a bad field, with a message that names it.
std::optional<ActionRequest> parse_action(const WebRequest& request);

WebPermission permission_of(const ActionRequest& request);

// The words of the audit log: retry, cancel, delete, pause, resume, run_schedule.
std::string action_name(const ActionRequest& request);
std::string action_target(const ActionRequest& request);  // "jobs", the queue or the schedule

// The filter fields of a form or a query (queue, status, type, error or q,
// since), each left out when empty: what the jobs list and a jobs action read.
JobFilterText filter_text_of(const FormFields& fields);

// The filter of a jobs action, as the list reads it.
JobFilter filter_of(const JobsAction& action);

struct ActionResult {
  bool ok = true;            // false: nothing done, because of `message`
  unsigned status = 200;     // of the JSON answer: 200, 404 (no such schedule), 409
  std::string message;       // one line for the page and the audit log
  std::vector<JobId> job_ids;
  nlohmann::json json;       // the API's answer
};

ActionResult perform_action(JobStore& store, const ActionRequest& request, const Config& config);

}  // namespace spawnq
