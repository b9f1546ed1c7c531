// spawnq retry-failed: put failed and dead jobs back in the queue with their
// attempts reset, oldest first; the filters of `spawnq jobs` narrow them, and
// more than --max refuses rather than re-queue a flood.
#include "commands.hpp"
#include "job_filter_flags.hpp"

namespace spawnq {
namespace {

struct RetryFlags {
  JobFilterFlags filter;
  std::optional<std::int64_t> limit;
  std::int64_t max = kDefaultBulkMax;
};

}  // namespace

Command add_retry_failed_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<RetryFlags>(app, "retry-failed",
      "Re-queue failed and dead jobs");
  add_job_filter_flags(*sub, flags->filter, "failed, dead, or both (default failed,dead)");
  sub->add_option("--limit", flags->limit, "Only the oldest this many jobs");
  add_max_flag(*sub, flags->max);
  return {sub, [&ctx, flags] {
            BulkRequest request;
            request.action = BulkAction::retry;
            const std::vector<JobStatus> finished = {JobStatus::failed, JobStatus::dead};
            request.filter = to_filter(flags->filter, finished, finished);
            request.max = bulk_count("--max", flags->max);
            if (flags->limit) request.limit = bulk_count("--limit", *flags->limit);
            run_bulk_command(ctx.store(), request);
          }};
}

}  // namespace spawnq
