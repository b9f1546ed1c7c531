// Database connection strings as operators see them in logs and errors.
#pragma once

#include <optional>
#include <string>

namespace spawnq {

// The URL or key=value string with any password replaced by "***".
std::string redact_database_url(const std::string& url);

// `url` with one more libpq keyword, in the URL's own form (?key=value, or
// key='value'); a keyword the URL already names keeps the URL's value, since
// libpq takes the last one of a key=value string and we add ours first there.
std::string with_connection_option(const std::string& url, const std::string& key, const std::string& value);

// What is wrong with a URL that lists several hosts (host=a,b or
// postgresql://a,b/db) for a failover: unless it asks for the host that
// accepts writes (target_session_attrs=read-write or primary), libpq keeps
// the first that answers, which may be a standby, where every write fails.
// nullopt for one host, a good list, or text libpq itself will refuse.
std::optional<std::string> several_hosts_problem(const std::string& url);

}  // namespace spawnq
