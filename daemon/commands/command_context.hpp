// CommandContext is what every `spawnq` command shares: the global options
// (--config, --database-url), and the config, database connection and job
// store, each made on first use so that a command that needs no database
// (check-config) never opens one. Lives on the main thread of one command run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <pqxx/connection>

#include "common/job_store.hpp"
#include "config/config.hpp"

namespace spawnq {

struct GlobalOptions {
  std::optional<std::string> config_path;
  std::optional<std::string> database_url;
};

class CommandContext {
 public:
  explicit CommandContext(const GlobalOptions& options) : options_(options) {}

  // The effective config: the located file, else built-in defaults. A
  // --database-url or $SPAWNQ_DATABASE_URL is already folded in.
  const Config& config();
  // True when the settings came from a file rather than built-in defaults.
  bool has_config_file();
  pqxx::connection& connection();
  JobStore& store();

 private:
  const GlobalOptions& options_;
  std::optional<Config> config_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<JobStore> store_;
};

}  // namespace spawnq
