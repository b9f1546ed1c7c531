// Retention through a real daemon (issue 7): only expired rows go, one daemon
// sweeps at a time.
#include <catch2/catch.hpp>

#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

// A finished job of `status` that finished `age` ago (a PostgreSQL interval).
void add_finished(TestDatabase& db, const std::string& status, const std::string& age, int count = 1) {
  db.sql("INSERT INTO spawnq.jobs (job_type, status, attempts, finished_at) SELECT 'noop', '" + status +
         "', 1, now() - interval '" + age + "' FROM generate_series(1, " + std::to_string(count) + ")");
}

std::string count(TestDatabase& db, const std::string& status, const std::string& older_than) {
  return db.value("SELECT count(*) FROM spawnq.jobs WHERE status = '" + status + "' AND finished_at < now() - interval '" +
                  older_than + "'");
}

}  // namespace

TEST_CASE("retention: the daemon deletes only what has expired, one daemon at a time") {
  TestDatabase db;
  add_finished(db, "done", "2 hours", 1200);  // more than one batch
  add_finished(db, "done", "30 minutes", 3);
  add_finished(db, "failed", "2 hours", 2);
  add_finished(db, "failed", "8 days", 2);
  add_finished(db, "cancelled", "100 days", 1);
  db.sql("INSERT INTO spawnq.job_attempts (job_id, attempt, finished_at, outcome)"
         " SELECT id, 1, finished_at, 'success' FROM spawnq.jobs WHERE status = 'done'");

  // Another daemon (played by this connection) holds the sweep lock.
  auto holder = db.connect();
  pqxx::work lock(*holder);
  lock.exec("SELECT pg_advisory_xact_lock(126926508748402)");

  DaemonProcess daemon(db.url(), "retention: { done: 1h, failed: 7d }\nqueues: [default]\n");
  REQUIRE(wait_until([&] { return daemon.log().find("serving") != std::string::npos; }, 10s));
  std::this_thread::sleep_for(2500ms);  // past the first sweep
  CHECK(count(db, "done", "1 hour") == "1200");

  lock.abort();  // the other daemon is done
  CHECK(wait_until([&] { return count(db, "done", "1 hour") == "0"; }, 10s));
  CHECK(wait_until([&] { return count(db, "failed", "7 days") == "0"; }, 10s));
  CHECK(count(db, "done", "1 minute") == "3");        // not expired
  CHECK(count(db, "failed", "1 hour") == "2");        // failed are kept 7 days
  CHECK(count(db, "cancelled", "1 minute") == "1");   // no retention for cancelled
  CHECK(db.value("SELECT count(*) FROM spawnq.job_attempts") == "3");  // attempts went with their jobs
  CHECK(wait_until([&] { return daemon.log().find("retention: deleted 1200 done job(s) finished more than 1h ago") !=
                                 std::string::npos; }, 5s));
}
