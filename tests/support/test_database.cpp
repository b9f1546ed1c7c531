#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace spawnq::test {
namespace {

std::atomic<int> counter{0};

void admin(const std::string& statement) {
  pqxx::connection conn(test_server_url("postgres"));
  pqxx::nontransaction(conn).exec(statement);
}

}  // namespace

std::string test_server_url(const std::string& dbname) {
  const char* base = std::getenv("SPAWNQ_TEST_PG");
  if (!base || !*base) {
    throw std::runtime_error("SPAWNQ_TEST_PG is not set: run the suite with scripts/test");
  }
  return std::string(base) + " dbname=" + dbname;
}

TestDatabase::TestDatabase(Schema schema)
    : name_("t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)) {
  admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  admin("CREATE DATABASE " + name_ + " TEMPLATE " +
        (schema == Schema::migrated ? "spawnq_template" : "template0"));
  url_ = test_server_url(name_);
  conn_ = connect();
}

TestDatabase::~TestDatabase() {
  conn_.reset();
  try {
    admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // Leaving a database behind is harmless: the cluster is thrown away.
  }
}

std::unique_ptr<pqxx::connection> TestDatabase::connect() const {
  auto conn = std::make_unique<pqxx::connection>(url_);
  conn->set_variable("TimeZone", "'UTC'");
  return conn;
}

pqxx::result TestDatabase::sql(const std::string& statement) {
  pqxx::work w(*conn_);
  auto result = w.exec(statement);
  w.commit();
  return result;
}

std::string TestDatabase::value(const std::string& query) {
  const auto result = sql(query);
  if (result.size() != 1 || result.columns() != 1) {
    throw std::runtime_error("expected one value from: " + query);
  }
  return result[0][0].is_null() ? "" : result[0][0].as<std::string>();
}

std::string TestDatabase::status_of(std::int64_t job_id) {
  const auto result = sql("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(job_id));
  return result.empty() ? "" : result[0][0].as<std::string>();
}

}  // namespace spawnq::test
