// spawnq check-config: validate the config and print the effective settings,
// every default filled in. Touches no database, unless --published compares
// the handlers' defaults with those the running daemons published.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "config/config_emitter.hpp"
#include "daemon/supervisor/runner_path.hpp"
#include "daemon/supervisor/worker_announcement.hpp"

namespace spawnq {

Command add_check_config_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("check-config", "Validate the config and print it");
  auto published = std::make_shared<bool>(false);
  sub->add_flag("--published", *published,
                "Also compare the handlers' defaults with those the running daemons published");
  return {sub, [&ctx, published] {
            Config config = ctx.config();
            if (config.runner.empty()) config.runner = default_runner_path();
            std::cout << "# effective settings from "
                      << (config.source.empty() ? "built-in defaults (no config file found)"
                                                : config.source)
                      << "\n"
                      << to_yaml(config);
            if (!*published) return;
            const auto lines =
                defaults_disagreements(type_defaults_of(config), ctx.store().workers().published_defaults());
            // As YAML comments, so that the output still loads as a config.
            for (const std::string& line : lines) std::cout << "# differs: " << line << "\n";
            if (lines.empty()) std::cout << "# published: the running daemons agree with this config\n";
            std::cout.flush();
            if (!lines.empty()) {
              throw RuntimeFailure(std::to_string(lines.size()) +
                                   " handler settings differ between this config and the running daemons");
            }
          }};
}

}  // namespace spawnq
