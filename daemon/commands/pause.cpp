// spawnq pause QUEUE / spawnq resume QUEUE: stored in the database, so every
// daemon on every host obeys at once (the claim checks it); running jobs of a
// paused queue finish. Both are idempotent.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"

namespace spawnq {
namespace {

Command add_pause_or_resume(CLI::App& app, CommandContext& ctx, bool pause) {
  CLI::App* sub = app.add_subcommand(pause ? "pause" : "resume",
                                     pause ? "Stop claiming from a queue (running jobs finish)"
                                           : "Claim from a paused queue again");
  auto queue = std::make_shared<std::string>();
  sub->add_option("QUEUE", *queue, "Queue name")->required();
  return {sub, [&ctx, queue, pause] {
            if (!valid_queue_name(*queue)) {
              throw UsageError("queue name '" + *queue + "' must be 1-56 characters of A-Z a-z 0-9 _ . -");
            }
            JobStore& store = ctx.store();
            if (pause) {
              std::cout << "queue " << *queue
                        << (store.admin().set_queue_paused(*queue, true) ? " paused: no daemon claims from it; running jobs finish"
                                                      : " was already paused")
                        << "\n";
            } else {
              std::cout << "queue " << *queue << (store.admin().set_queue_paused(*queue, false) ? " resumed" : " was not paused")
                        << "\n";
            }
          }};
}

}  // namespace

Command add_pause_command(CLI::App& app, CommandContext& ctx) { return add_pause_or_resume(app, ctx, true); }
Command add_resume_command(CLI::App& app, CommandContext& ctx) { return add_pause_or_resume(app, ctx, false); }

}  // namespace spawnq
