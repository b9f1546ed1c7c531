// spawnq enqueue: insert one job and print its id alone on stdout. All input
// is checked before the database is touched, so bad input writes nothing.
#include <iostream>

#include "commands.hpp"
#include "enqueue_args.hpp"

namespace spawnq {

Command add_enqueue_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<EnqueueFlags>(app, "enqueue",
      "Insert a job and print its id");
  sub->add_option("JOB_TYPE", flags->job_type, "Handler name")->required();
  sub->add_option("--queue", flags->queue, "Queue (default: default)");
  sub->add_option("--payload", flags->payload, "JSON object, @FILE, or - for stdin");
  sub->add_option("--priority", flags->priority, "1..10, higher runs first (default 5)");
  sub->add_option("--delay", flags->delay, "Run no sooner than this from now (30, 30s, 5m)");
  sub->add_option("--at", flags->at, "Run no sooner than this time (ISO 8601; no zone = UTC)");
  sub->add_option("--max-attempts", flags->max_attempts, "Attempts before dead (default: queue's)");
  sub->add_option("--reference", flags->reference, "Unique among the queue's live jobs");
  sub->add_option("--group", flags->group, "Free-form label");
  sub->add_option("--after", flags->after, "ID[,ID...]: run only once these jobs are done");
  sub->add_option("--unique-for", flags->unique_for,
                  "With --reference: a job with it created within this long answers instead (1h, 30m)");
  sub->add_option("--batch", flags->batch, "Join this open batch (spawnq batch open)");
  sub->get_option("--delay")->excludes("--at");
  return {sub, [&ctx, flags] {
            const EnqueueRequest request =
                to_enqueue_request(*flags, read_payload_argument(flags->payload, std::cin));
            const Config& config = ctx.config();
            if (ctx.has_config_file() && !config.find_queue(request.queue)) {
              std::cerr << "spawnq: warning: queue '" << request.queue << "' is not configured in "
                        << config.source << "; the job waits until a daemon serves that queue\n";
            }
            std::cout << ctx.store().jobs().enqueue(request) << "\n";
          }};
}

}  // namespace spawnq
