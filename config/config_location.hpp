// Where a spawnq command finds its config and its database (docs/SPEC.md §1.1): an
// explicit flag, else the environment, else the usual places. Pure functions:
// the caller passes the environment in and says which files exist.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace spawnq {

inline constexpr const char* kDefaultConfigPaths[] = {"./spawnq.yaml", "/etc/spawnq/spawnq.yaml"};

// The config file to load: `flag`, else `env` ($SPAWNQ_CONFIG), else the first
// default path that exists; nullopt when none does (built-in defaults apply).
// An explicit flag or env value is returned even if it does not exist, so that
// loading it reports the mistake instead of silently using defaults.
std::optional<std::string> locate_config(const std::optional<std::string>& flag,
                                         const char* env,
                                         const std::function<bool(const std::string&)>& exists);

// The database to use: `flag`, else `env` ($SPAWNQ_DATABASE_URL), else the config's.
std::string choose_database_url(const std::optional<std::string>& flag, const char* env,
                                const std::string& from_config);

}  // namespace spawnq
