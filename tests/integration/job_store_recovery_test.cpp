// The job store's recovery statements: rescuing jobs of silent or vanished
// daemons, and the rules that keep a daemon from rescuing itself.
#include <catch2/catch.hpp>

#include "support/store_fixture.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;

TEST_CASE("requeue-stuck rescues jobs of silent or vanished daemons, and only those") {
  Store s;
  const WorkerId silent = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  const WorkerId gone = s.store.workers().register_worker({"host-c", 2, "", ""}, {"default"}, "test");
  const JobId a = s.add("a", 9);
  const JobId b = s.add("b", 8);
  const JobId c = s.add("c", 7);
  const JobId d = s.add("d", 6);
  s.db.sql("UPDATE spawnq.jobs SET max_attempts = 1 WHERE id = " + std::to_string(b));
  s.store.jobs().claim("default", 2, silent, 5);  // a and b
  s.store.jobs().claim("default", 1, gone, 5);    // c
  s.store.jobs().claim("default", 1, s.worker, 5);  // d, whose daemon is alive
  s.db.sql("UPDATE spawnq.workers SET heartbeat_at = now() - interval '10 minutes' WHERE id = " +
           std::to_string(silent));
  s.store.workers().remove_worker(gone);

  const auto rescued = s.store.workers().requeue_stuck(std::nullopt, 5min, 5);
  REQUIRE(rescued.size() == 3);
  CHECK(rescued[0].id == a);
  CHECK(rescued[0].status == JobStatus::retry_wait);
  CHECK(rescued[1].id == b);
  CHECK(rescued[1].status == JobStatus::dead);
  CHECK(rescued[2].id == c);
  CHECK(s.status(d) == "processing");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'lost' AND "
                   "finished_at IS NOT NULL") == "3");
  CHECK_THAT(s.db.value("SELECT last_error FROM spawnq.jobs WHERE id = " + std::to_string(a)),
             Catch::Contains("lost: worker"));
  CHECK(s.store.workers().requeue_stuck(std::nullopt, 5min, 5).empty());
  // A queue filter leaves other queues alone.
  s.db.sql("UPDATE spawnq.workers SET heartbeat_at = now() - interval '1 hour'");
  CHECK(s.store.workers().requeue_stuck(std::string("emails"), 5min, 5).empty());
  CHECK(s.store.workers().requeue_stuck(std::string("default"), 5min, 5).size() == 1);
}

TEST_CASE("a claim refreshes the heartbeat, and claims nothing for a worker whose row is gone") {
  Store s;
  s.add("noop");
  s.db.sql("UPDATE spawnq.workers SET heartbeat_at = now() - interval '1 hour'");
  REQUIRE(s.store.jobs().claim("default", 1, s.worker, 5).size() == 1);
  CHECK(s.db.value("SELECT heartbeat_at > now() - interval '1 minute' FROM spawnq.workers") == "t");
  s.add("noop");
  const WorkerId gone = s.store.workers().register_worker({"host-z", 9, "", ""}, {"default"}, "test");
  s.store.workers().remove_worker(gone);
  CHECK(s.store.jobs().claim("default", 1, gone, 5).empty());
}

TEST_CASE("a rescuer never takes its own jobs, nor forgets its own row, however stale") {
  Store s;
  s.add("noop");
  s.store.jobs().claim("default", 1, s.worker, 5);
  s.db.sql("UPDATE spawnq.workers SET heartbeat_at = now() - interval '1 hour'");
  CHECK(s.store.workers().requeue_stuck(std::nullopt, 5min, 5, {}, s.worker).empty());
  CHECK(s.store.workers().forget_workers(5min, {}, s.worker).empty());
  // Another daemon, though, rescues them.
  CHECK(s.store.workers().requeue_stuck(std::nullopt, 5min, 5, {}, s.worker + 1).size() == 1);
}
