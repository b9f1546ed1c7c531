// spawnq check-config: validate the config and print the effective settings,
// every default filled in. Touches no database.
#include <iostream>

#include "commands.hpp"
#include "config/config_emitter.hpp"
#include "daemon/supervisor/runner_path.hpp"

namespace spawnq {

Command add_check_config_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("check-config", "Validate the config and print it");
  return {sub, [&ctx] {
            Config config = ctx.config();
            if (config.runner.empty()) config.runner = default_runner_path();
            std::cout << "# effective settings from "
                      << (config.source.empty() ? "built-in defaults (no config file found)"
                                                : config.source)
                      << "\n"
                      << to_yaml(config);
          }};
}

}  // namespace spawnq
