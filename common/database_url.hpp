// Database connection strings as operators see them in logs and errors.
#pragma once

#include <string>

namespace spawnq {

// The URL or key=value string with any password replaced by "***".
std::string redact_database_url(const std::string& url);

}  // namespace spawnq
