// spawnq retry-failed: put failed and dead jobs back in the queue with their
// attempts reset, oldest first.
#include <iostream>

#include "commands.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

struct RetryFlags {
  std::optional<std::string> queue;
  std::string statuses = "failed,dead";
  std::optional<std::int64_t> limit;
};

}  // namespace

Command add_retry_failed_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<RetryFlags>(app, "retry-failed",
      "Re-queue failed and dead jobs");
  add_queue_filter(*sub, flags->queue);
  sub->add_option("--status", flags->statuses, "failed, dead, or both (default failed,dead)");
  sub->add_option("--limit", flags->limit, "At most this many jobs");
  return {sub, [&ctx, flags] {
            const auto statuses =
                parse_status_list(flags->statuses, {JobStatus::failed, JobStatus::dead});
            if (flags->limit) require_at_least("--limit", *flags->limit, 1);
            const auto ids = ctx.store().admin().retry_failed(flags->queue, statuses, flags->limit);
            std::cout << "re-queued " << counted(ids.size(), "job") << "\n";
          }};
}

}  // namespace spawnq
