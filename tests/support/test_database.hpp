// TestDatabase gives one test a database of its own on the cluster that
// scripts/test started ($SPAWNQ_TEST_PG), so tests never see each other's
// rows: a clone of the migrated spawnq_template, or an empty database for
// tests of `migrate` itself. It is dropped when the test ends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace spawnq::test {

class TestDatabase {
 public:
  enum class Schema { migrated, empty };

  explicit TestDatabase(Schema schema = Schema::migrated);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  std::unique_ptr<pqxx::connection> connect() const;

  // Runs SQL in its own transaction: for arranging and checking rows in tests.
  pqxx::result sql(const std::string& statement);
  // The single value of a one-row, one-column query, as text ("" for NULL).
  std::string value(const std::string& query);
  // The status of one job ("" once it is deleted).
  std::string status_of(std::int64_t job_id);

 private:
  std::string name_;
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
};

// The libpq string for `dbname` on the test cluster; throws if the suite was
// not started by scripts/test.
std::string test_server_url(const std::string& dbname);

}  // namespace spawnq::test
