// Wake-ups (issue 6): an idle daemon hears of a new job through LISTEN/NOTIFY
// at once, and a freed slot claims again at once. The poll interval is an
// hour here, so anything that waits for the poll fails these tests.
#include <catch2/catch.hpp>

#include <chrono>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

std::string config(int max_workers) {
  return "poll_interval: 1h\nqueues:\n  default: { max_workers: " + std::to_string(max_workers) + " }\n";
}

}  // namespace

TEST_CASE_METHOD(JobDatabase, "wake-up: a job enqueued while the daemon idles starts at once, not at the next poll") {
  DaemonProcess daemon(db.url(), config(2));
  REQUIRE(wait_until([&] { return daemon.log().find("serving") != std::string::npos; }, 10s));

  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(100ms);  // idle again: nothing to claim
    const JobId id = enqueue(store, "noop");
    CHECK(wait_until([&] { return db.status_of(id) == "done"; }, 3s, 20ms));
  }
}

TEST_CASE_METHOD(JobDatabase, "wake-up: jobs enqueued before the daemon listens are claimed without waiting for the poll") {
  const JobId early = enqueue(store, "noop");
  DaemonProcess daemon(db.url(), config(1));
  // Enqueued while the daemon starts: before, during or after its LISTEN.
  const JobId racing = enqueue(store, "noop");
  CHECK(wait_until([&] { return db.status_of(early) == "done" && db.status_of(racing) == "done"; }, 10s, 20ms));
}

TEST_CASE_METHOD(JobDatabase, "wake-up: a freed slot claims the next job at once") {
  for (int i = 0; i < 30; ++i) enqueue(store, "noop");
  DaemonProcess daemon(db.url(), config(1));  // one slot: each job waits for the one before
  CHECK(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "30"; },
                   15s, 50ms));
  // Without the immediate re-claim, one job would be done and 29 would wait an hour.
}
