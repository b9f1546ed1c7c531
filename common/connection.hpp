// Opens PostgreSQL connections the way every part of spawnq wants them: the
// session clock in UTC (timestamps read the same on every host) and the
// program named in pg_stat_activity. A connection that cannot be opened is a
// RuntimeFailure whose one-line message names the (redacted) database.
//
// Behind a transaction pooler no SET may outlive a transaction, so there both
// travel in the startup packet instead: the name as libpq's
// fallback_application_name, the clock as PGTZ, which `spawnq` sets to UTC
// for its whole process (PgBouncer keeps both per client).
#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

#include "common/pooler.hpp"

namespace spawnq {

std::unique_ptr<pqxx::connection> connect_database(const std::string& url,
                                                   const std::string& application_name,
                                                   Pooler pooler = Pooler::none);

// The first line of a libpq/libpqxx error, without its trailing newline.
std::string first_line(const std::string& message);

}  // namespace spawnq
