// Many daemons, many jobs: no job is ever claimed twice at once.
#include <catch2/catch.hpp>

#include "fault_harness.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

TEST_CASE("faults: three daemons and 2,000 short jobs, none claimed twice at once") {
  TestDatabase db;
  FaultHarness h(db.url());
  db.sql("INSERT INTO spawnq.jobs (job_type) SELECT 'effect' FROM generate_series(1, 2000)");
  auto a = h.daemon("default: { max_workers: 4 }");
  auto b = h.daemon("default: { max_workers: 4 }");
  auto c = h.daemon("default: { max_workers: 4 }");
  REQUIRE(h.all_terminal(120s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "2000");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts") == "2000");
  CHECK(h.value("SELECT count(DISTINCT worker_id) FROM spawnq.job_attempts") == "3");
  h.check_guarantees();
}

TEST_CASE("faults: a burst of 10,000 jobs enqueued while daemons run") {
  TestDatabase db;
  FaultHarness h(db.url());
  auto a = h.daemon("default: { max_workers: 4 }");
  auto b = h.daemon("default: { max_workers: 4 }");
  db.sql("INSERT INTO spawnq.jobs (job_type) SELECT 'noop' FROM generate_series(1, 10000)");
  REQUIRE(h.all_terminal(240s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "10000");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'success'") == "10000");
  h.check_guarantees();
}
