#include "config_location.hpp"

namespace spawnq {

std::optional<std::string> locate_config(const std::optional<std::string>& flag, const char* env,
                                         const std::function<bool(const std::string&)>& exists) {
  if (flag && !flag->empty()) return flag;
  if (env && *env) return std::string(env);
  for (const char* path : kDefaultConfigPaths) {
    if (exists(path)) return std::string(path);
  }
  return std::nullopt;
}

std::string choose_database_url(const std::optional<std::string>& flag, const char* env,
                                const std::string& from_config) {
  if (flag && !flag->empty()) return *flag;
  if (env && *env) return env;
  return from_config;
}

}  // namespace spawnq
