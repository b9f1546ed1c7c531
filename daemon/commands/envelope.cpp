// spawnq envelope ID (hidden): print the envelope the daemon would hand
// job-runner for this job. job-runner's debugging mode gets its row this way,
// so that the runner itself links no database library.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "daemon/supervisor/job_plan.hpp"

namespace spawnq {

Command add_envelope_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("envelope", "Print a job's envelope (for job-runner)");
  sub->group("");  // hidden: a tool for job-runner, not for people
  auto id = std::make_shared<JobId>(0);
  sub->add_option("ID", *id, "Job id")->required();
  return {sub, [&ctx, id] {
            auto job = ctx.store().jobs().load_job(*id, 0);
            if (!job) throw RuntimeFailure("job " + std::to_string(*id) + " not found");
            const QueueConfig queue = ctx.config().settings_for(job->queue);
            if (job->max_attempts == 0) job->max_attempts = queue.max_attempts;
            std::cout << build_envelope(*job, queue, ctx.config()) << "\n";
          }};
}

}  // namespace spawnq
