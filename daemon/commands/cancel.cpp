// spawnq cancel ID: a waiting job becomes cancelled at once. A running one is
// stopped by the daemon that runs it, wherever that is (told over NOTIFY,
// with its heartbeat as a backstop): SIGTERM, SIGKILL after sigterm_grace,
// then `cancelled`. The command waits for that, up to --wait.
// spawnq cancel --queue=… --status=… …: the same for every job the filter
// matches (waiting ones by default), up to --max, without waiting.
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "common/errors.hpp"
#include "flag_values.hpp"
#include "job_filter_flags.hpp"

namespace spawnq {
namespace {

struct CancelFlags {
  std::optional<JobId> id;
  std::optional<std::string> wait;
  JobFilterFlags filter;
  std::int64_t max = kDefaultBulkMax;
};

void cancel_running(CommandContext& ctx, JobId id, Duration wait) {
  const std::string job = "job " + std::to_string(id);
  const auto owner = ctx.store().admin().request_cancel(id);
  if (!owner) {
    const auto status = ctx.store().jobs().job_status(id);
    throw RuntimeFailure(job + " is already " + std::string(status ? to_string(*status) : "gone"));
  }
  const std::string worker = *owner ? "worker " + std::to_string(**owner) : "an unknown worker";
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto status = ctx.store().jobs().job_status(id);
    if (status && *status == JobStatus::cancelled) {
      std::cout << job << " cancelled (stopped by " << worker << ")\n";
      return;
    }
    if (!status || *status != JobStatus::processing) {
      throw RuntimeFailure(job + " ended as " + std::string(status ? to_string(*status) : "deleted") +
                           " before it could be stopped");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw RuntimeFailure("cancel requested, but " + job + " is still running on " + worker + " after " +
                           format_duration(wait) +
                           "; its daemon will stop it, or it is cancelled when rescued from a dead daemon");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void cancel_one(CommandContext& ctx, JobId id, Duration wait) {
  const CancelResult result = ctx.store().admin().cancel(id);
  const std::string job = "job " + std::to_string(id);
  switch (result.kind) {
    case CancelResult::Kind::cancelled:
      std::cout << job << " cancelled\n";
      return;
    case CancelResult::Kind::not_found:
      throw RuntimeFailure(job + " not found");
    case CancelResult::Kind::running:
      return cancel_running(ctx, id, wait);
    case CancelResult::Kind::finished:
      throw RuntimeFailure(job + " is already " + std::string(to_string(result.status)));
  }
}

void cancel_matching(CommandContext& ctx, const CancelFlags& flags) {
  BulkRequest request;
  request.action = BulkAction::cancel;
  request.filter = to_filter(flags.filter, {JobStatus::pending, JobStatus::retry_wait, JobStatus::processing},
                             {JobStatus::pending, JobStatus::retry_wait});
  request.max = bulk_count("--max", flags.max);
  run_bulk_command(ctx.store(), request);
}

}  // namespace

Command add_cancel_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<CancelFlags>(app, "cancel",
      "Cancel a job, or every job a filter matches; a running one is stopped by its daemon");
  sub->add_option("ID", flags->id, "Job id");
  sub->add_option("--wait", flags->wait, "How long to wait for a running job to stop (default: sigterm_grace + 5s)");
  add_job_filter_flags(*sub, flags->filter, "pending, retry_wait, processing (default pending,retry_wait)");
  add_max_flag(*sub, flags->max);
  return {sub, [&ctx, flags] {
            if (flags->id && flags->filter.any()) {
              throw UsageError("cancel: give a job ID or filters (--queue, --status, --type, --error, --since), "
                               "not both");
            }
            if (flags->id) {
              require_at_least("ID", *flags->id, 1);
              return cancel_one(ctx, *flags->id,
                                flags->wait ? parse_duration_flag("--wait", *flags->wait)
                                            : ctx.config().sigterm_grace + std::chrono::seconds(5));
            }
            if (!flags->filter.any()) {
              throw UsageError("cancel: give a job ID, or filters (--queue, --status, --type, --error, --since) "
                               "to cancel every job they match");
            }
            if (flags->wait) throw UsageError("--wait: only with a job ID; a filter's running jobs are not waited for");
            cancel_matching(ctx, *flags);
          }};
}

}  // namespace spawnq
