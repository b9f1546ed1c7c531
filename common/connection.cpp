#include "connection.hpp"

#include <pqxx/except>

#include "database_url.hpp"
#include "errors.hpp"

namespace spawnq {

std::string first_line(const std::string& message) {
  const auto end = message.find('\n');
  return end == std::string::npos ? message : message.substr(0, end);
}

std::unique_ptr<pqxx::connection> connect_database(const std::string& url,
                                                   const std::string& application_name, Pooler pooler) {
  try {
    if (pooler == Pooler::transaction) {
      return std::make_unique<pqxx::connection>(
          with_connection_option(url, "fallback_application_name", application_name));
    }
    auto conn = std::make_unique<pqxx::connection>(url);
    // set_variable() is re-applied by libpqxx if it ever reconnects.
    conn->set_variable("TimeZone", "'UTC'");
    conn->set_variable("application_name", conn->quote(application_name));
    return conn;
  } catch (const pqxx::broken_connection& e) {
    throw RuntimeFailure("cannot connect to the database " + redact_database_url(url) + ": " +
                         first_line(e.what()));
  } catch (const pqxx::argument_error& e) {
    throw UsageError("invalid database URL " + redact_database_url(url) + ": " + first_line(e.what()));
  }
}

}  // namespace spawnq
