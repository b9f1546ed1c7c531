// spawnq cancel ID: a job that has not started yet becomes cancelled.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"

namespace spawnq {

Command add_cancel_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("cancel", "Cancel a job that is waiting to run");
  auto id = std::make_shared<JobId>(0);
  sub->add_option("ID", *id, "Job id")->required();
  return {sub, [&ctx, id] {
            const CancelResult result = ctx.store().cancel(*id);
            const std::string job = "job " + std::to_string(*id);
            switch (result.kind) {
              case CancelResult::Kind::cancelled:
                std::cout << job << " cancelled\n";
                return;
              case CancelResult::Kind::not_found:
                throw RuntimeFailure(job + " not found");
              case CancelResult::Kind::running:
                // Stopping a running child needs the owning daemon's help
                // (SPEC §1.1); until daemons take cancel requests, say so.
                throw RuntimeFailure(job + " is processing; this version cannot stop a running job");
              case CancelResult::Kind::finished:
                throw RuntimeFailure(job + " is already " + std::string(to_string(result.status)));
            }
          }};
}

}  // namespace spawnq
