// A batch run by real daemons: the members finish on three daemons at once,
// many of them together in one outcome write, and the callback is still
// enqueued exactly once with the right counts.
#include <catch2/catch.hpp>

#include "fault_harness.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

TEST_CASE("faults: a batch of 1,000 through three daemons, 10% failing: on_complete once, on_success never") {
  TestDatabase db;
  FaultHarness h(db.url());
  auto a = h.daemon("default: { max_workers: 4 }");
  auto b = h.daemon("default: { max_workers: 4 }");
  auto c = h.daemon("default: { max_workers: 4 }");
  const std::string batch = db.value(
      "SELECT spawnq.batch_open(on_complete => 'noop', on_success => 'echo', payload => '{\"import\": 12}')");
  // Filled in ten calls while the daemons already run its first members.
  for (int part = 0; part < 10; ++part) {
    db.sql("SELECT spawnq.enqueue_many((SELECT jsonb_agg(jsonb_build_object("
           "  'job_type', CASE WHEN i % 10 = 0 THEN 'fail' ELSE 'effect' END, 'payload', '{\"seconds\": 0}'::jsonb))"
           "  FROM generate_series(1, 100) AS i), batch => " + batch + ")");
  }
  db.sql("SELECT spawnq.batch_close(" + batch + ")");
  REQUIRE(h.all_terminal(180s));

  CHECK(h.value("SELECT concat_ws(' ', total, done, failed, dead, cancelled) FROM spawnq.batches") ==
        "1000 900 100 0 0");
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE job_type = 'noop'") == "1");
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE job_type = 'echo'") == "0");
  CHECK(h.value("SELECT payload - 'batch_id' FROM spawnq.jobs WHERE job_type = 'noop'") ==
        R"({"dead": 0, "done": 900, "total": 1000, "failed": 100, "payload": {"import": 12}, "cancelled": 0})");
  CHECK(h.value("SELECT status FROM spawnq.jobs WHERE job_type = 'noop'") == "done");
  CHECK(h.value("SELECT count(DISTINCT a.worker_id) FROM spawnq.job_attempts a JOIN spawnq.jobs j ON j.id = a.job_id "
                "WHERE j.batch_id IS NOT NULL") == "3");
  h.check_guarantees();
}
