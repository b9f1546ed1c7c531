// spawnq retry-failed: put failed and dead jobs back in the queue with their
// attempts reset, oldest first.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "status_list.hpp"

namespace spawnq {
namespace {

struct RetryFlags {
  std::optional<std::string> queue;
  std::string statuses = "failed,dead";
  std::optional<std::int64_t> limit;
};

}  // namespace

Command add_retry_failed_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("retry-failed", "Re-queue failed and dead jobs");
  auto flags = std::make_shared<RetryFlags>();
  sub->add_option("--queue", flags->queue, "Only this queue");
  sub->add_option("--status", flags->statuses, "failed, dead, or both (default failed,dead)");
  sub->add_option("--limit", flags->limit, "At most this many jobs");
  return {sub, [&ctx, flags] {
            const auto statuses =
                parse_status_list(flags->statuses, {JobStatus::failed, JobStatus::dead});
            if (flags->limit && *flags->limit < 1) {
              throw UsageError("--limit: must be ≥ 1, got " + std::to_string(*flags->limit));
            }
            const auto ids = ctx.store().admin().retry_failed(flags->queue, statuses, flags->limit);
            std::cout << "re-queued " << ids.size() << " job" << (ids.size() == 1 ? "" : "s") << "\n";
          }};
}

}  // namespace spawnq
