#include "job_actions.hpp"

#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

std::string why_not(JobAction action, const JobActionResult& r) {
  if (!r.status) return "no such job";
  if (action == JobAction::retry) {
    if (r.reference_holder) return "job " + std::to_string(*r.reference_holder) + " holds its reference now";
    return "it is " + std::string(to_string(*r.status));
  }
  if (*r.status == JobStatus::processing) return "it is running (cancel it first)";
  if (r.waiting > 0) {
    return std::to_string(r.waiting) + (r.waiting == 1 ? " job waits" : " jobs wait") +
           " for it (cancel it instead, which cancels them too)";
  }
  return "it changed meanwhile";
}

}  // namespace

std::string describe_job_action(JobAction action, const JobActionResult& result) {
  const std::string job = "job " + std::to_string(result.id);
  const char* done = action == JobAction::retry ? "re-queued" : "deleted";
  if (result.changed) return job + " " + done;
  return job + " not " + done + ": " + why_not(action, result);
}

void report_job_actions(JobAction action, const std::vector<JobActionResult>& results) {
  for (const JobActionResult& r : results) std::cout << describe_job_action(action, r) << "\n";
  const auto refused = std::count_if(results.begin(), results.end(), [](const auto& r) { return !r.changed; });
  if (refused > 0) {
    std::cout.flush();
    throw RuntimeFailure(std::to_string(refused) + " of " + std::to_string(results.size()) + " jobs not " +
                         (action == JobAction::retry ? "re-queued" : "deleted"));
  }
}

namespace {

struct JobIdsFlags {
  std::vector<std::int64_t> ids;
};

Command add_job_action_command(CLI::App& app, CommandContext& ctx, JobAction action, const std::string& name,
                               const std::string& description) {
  auto [sub, flags] = add_subcommand_with_flags<JobIdsFlags>(app, name, description);
  sub->add_option("ID", flags->ids, "Job ids")->required();
  return {sub, [&ctx, flags, action] {
            const std::vector<JobId> ids = distinct_job_ids(flags->ids);
            JobAdmin& admin = ctx.store().admin();
            report_job_actions(action, action == JobAction::retry ? admin.retry_jobs(ids) : admin.delete_jobs(ids));
          }};
}

}  // namespace

Command add_retry_command(CLI::App& app, CommandContext& ctx) {
  return add_job_action_command(app, ctx, JobAction::retry, "retry",
                                "Re-queue these jobs (failed, dead, cancelled: attempts reset)");
}

Command add_delete_command(CLI::App& app, CommandContext& ctx) {
  return add_job_action_command(app, ctx, JobAction::remove, "delete",
                                "Delete these jobs and their attempts (never a running one)");
}

}  // namespace spawnq
