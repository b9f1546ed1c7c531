#include "connection.hpp"

#include <pqxx/except>
#include <utility>

#include "database_url.hpp"
#include "errors.hpp"

namespace spawnq {

std::string first_line(const std::string& message) {
  const auto end = message.find('\n');
  return end == std::string::npos ? message : message.substr(0, end);
}

namespace {

// A host that died without a word (power lost, network cut) answers neither
// a connect nor a query: without these, libpq would wait minutes on the
// first host of a failover list and a query on a dead primary would hang as
// long as TCP retries. With them, a connect gives up on a host after 5 s and
// tries the next; a dead peer is found within about 20 s, idle or not. The
// URL's own values win; a unix socket ignores all but connect_timeout.
std::string with_tcp_limits(std::string url) {
  static const std::pair<const char*, const char*> limits[] = {{"connect_timeout", "5"},
                                                                {"keepalives_idle", "10"},
                                                                {"keepalives_interval", "3"},
                                                                {"keepalives_count", "3"},
                                                                {"tcp_user_timeout", "20000"}};
  for (const auto& [key, value] : limits) url = with_connection_option(url, key, value);
  return url;
}

}  // namespace

std::unique_ptr<pqxx::connection> connect_database(const std::string& url,
                                                   const std::string& application_name, Pooler pooler) {
  try {
    const std::string tuned = with_tcp_limits(url);
    if (pooler == Pooler::transaction) {
      return std::make_unique<pqxx::connection>(
          with_connection_option(tuned, "fallback_application_name", application_name));
    }
    auto conn = std::make_unique<pqxx::connection>(tuned);
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
