#include "command_context.hpp"

#include <cstdlib>
#include <filesystem>

#include "common/connection.hpp"
#include "common/database_url.hpp"
#include "common/errors.hpp"
#include "config/config_loader.hpp"
#include "config/config_location.hpp"

namespace spawnq {

const Config& CommandContext::config() {
  if (!config_) {
    const auto path = locate_config(options_.config_path, std::getenv("SPAWNQ_CONFIG"),
                                    [](const std::string& p) { return std::filesystem::exists(p); });
    config_ = path ? load_config(*path) : default_config();
    config_->database_url = choose_database_url(options_.database_url,
                                                std::getenv("SPAWNQ_DATABASE_URL"),
                                                config_->database_url);
    if (auto problem = several_hosts_problem(config_->database_url)) {
      throw UsageError("the database URL " + *problem + "; add target_session_attrs=read-write");
    }
    if (config_->session_url) {
      if (auto problem = several_hosts_problem(*config_->session_url)) {
        throw UsageError("database.session_url " + *problem + "; add target_session_attrs=read-write");
      }
    }
  }
  return *config_;
}

bool CommandContext::has_config_file() { return !config().source.empty(); }

pqxx::connection& CommandContext::connection() {
  if (!connection_) connection_ = connect_database(config().database_url, "spawnq", config().database_pooler);
  return *connection_;
}

JobStore& CommandContext::store() {
  if (!store_) store_ = std::make_unique<JobStore>(connection(), config().database_pooler);
  return *store_;
}

}  // namespace spawnq
