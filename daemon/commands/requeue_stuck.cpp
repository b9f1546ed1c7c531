// spawnq requeue-stuck: return processing jobs whose daemon has gone silent to
// the queue, by hand; the same rescue the daemons run on their own.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "config/duration.hpp"

namespace spawnq {
namespace {

struct RequeueFlags {
  std::optional<std::string> queue;
  std::optional<std::string> timeout;
};

}  // namespace

Command add_requeue_stuck_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("requeue-stuck", "Return jobs stuck in processing to the queue");
  auto flags = std::make_shared<RequeueFlags>();
  sub->add_option("--queue", flags->queue, "Only this queue");
  sub->add_option("--timeout", flags->timeout,
                  "Daemon silent at least this long (default: stuck_job_timeout)");
  return {sub, [&ctx, flags] {
            Duration silent_for = ctx.config().stuck_job_timeout;
            if (flags->timeout) {
              const auto parsed = parse_duration(*flags->timeout);
              if (!parsed) {
                throw UsageError("--timeout: must be a duration such as 300, 300s or 5m, got '" +
                                 *flags->timeout + "'");
              }
              silent_for = *parsed;
            }
            const auto jobs = ctx.store().workers().requeue_stuck(flags->queue, silent_for,
                                                        ctx.config().default_max_attempts);
            for (const RequeuedJob& job : jobs) {
              std::cout << "queue=" << job.queue << " job=" << job.id << " → " << to_string(job.status)
                        << "\n";
            }
            std::cout << "requeued " << jobs.size() << " stuck job" << (jobs.size() == 1 ? "" : "s")
                      << "\n";
          }};
}

}  // namespace spawnq
