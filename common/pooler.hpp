// What stands between spawnq and PostgreSQL on database.url (docs/SPEC.md §2):
// nothing, or a pooler that lends a server connection for one transaction at
// a time (PgBouncer's pool_mode = transaction). Behind the latter nothing may
// rely on the session: no LISTEN, no session advisory lock, no prepared
// statement, no session SET, no temporary table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spawnq {

enum class Pooler { none, transaction };

std::optional<Pooler> parse_pooler(std::string_view text);
std::string_view to_string(Pooler pooler);

// A connection that may keep session state (LISTEN): database.url when no
// pooler stands on it, else session_url when given, else none (then the
// daemon polls).
std::optional<std::string> session_url_for(Pooler pooler, const std::string& url,
                                           const std::optional<std::string>& session_url);

}  // namespace spawnq
