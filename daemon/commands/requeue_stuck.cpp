// spawnq requeue-stuck: return processing jobs whose daemon has gone silent to
// the queue, by hand; the same rescue the daemons run on their own.
#include <iostream>

#include "commands.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

struct RequeueFlags {
  std::optional<std::string> queue;
  std::optional<std::string> timeout;
};

}  // namespace

Command add_requeue_stuck_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<RequeueFlags>(app, "requeue-stuck",
      "Return jobs stuck in processing to the queue");
  add_queue_filter(*sub, flags->queue);
  sub->add_option("--timeout", flags->timeout,
                  "Daemon silent at least this long (default: stuck_job_timeout)");
  return {sub, [&ctx, flags] {
            const Duration silent_for = flags->timeout ? parse_duration_flag("--timeout", *flags->timeout)
                                                       : ctx.config().stuck_job_timeout;
            const auto jobs = ctx.store().workers().requeue_stuck(flags->queue, silent_for,
                                                        ctx.config().default_max_attempts);
            for (const RequeuedJob& job : jobs) {
              std::cout << "queue=" << job.queue << " job=" << job.id << " → " << to_string(job.status)
                        << "\n";
            }
            std::cout << "requeued " << counted(jobs.size(), "stuck job") << "\n";
          }};
}

}  // namespace spawnq
