// The worker lease of a real daemon (daemon/supervisor/worker_lease): what
// it does when another daemon declares it dead by deleting its row.
#include <signal.h>

#include <catch2/catch.hpp>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

TEST_CASE_METHOD(JobDatabase, "daemon: declared dead by another daemon, it stops its jobs, registers anew and goes on") {
  DaemonProcess daemon(db.url(),
                       "poll_interval: 200ms\nheartbeat_interval: 300ms\nsigterm_grace: 500ms\n"
                       "queues:\n  default: { max_workers: 2 }\n");
  const JobId long_job = enqueue(store, "sleep", R"({"seconds": 60})");
  REQUIRE(wait_until([&] { return daemon.runner_pid(long_job).has_value(); }, 10s));
  const std::string first = db.value("SELECT id FROM spawnq.workers");
  const pid_t runner = *daemon.runner_pid(long_job);

  // What a rescuing daemon does: the row goes, and with it the right to the job.
  db.sql("DELETE FROM spawnq.workers WHERE id = " + first);

  REQUIRE(wait_until([&] { return daemon.log().find("was declared dead") != std::string::npos; }, 10s));
  CHECK(wait_until([&] { return ::kill(runner, 0) != 0; }, 5s));  // its job was stopped
  REQUIRE(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.workers") == "1"; }, 10s));
  CHECK(db.value("SELECT id FROM spawnq.workers") != first);
  // The stopped run did not finish: its attempt is open, closed as lost by a
  // rescue, or recorded as interrupted (a bare DELETE, unlike a rescuer,
  // leaves the job's worker_id, so the fence still lets that write through).
  const std::string outcome =
      db.value("SELECT COALESCE(outcome, 'open') FROM spawnq.job_attempts WHERE job_id = " + std::to_string(long_job) +
               " ORDER BY id LIMIT 1");
  INFO(outcome);
  CHECK((outcome == "open" || outcome == "lost" || outcome == "retry"));

  const JobId next = enqueue(store, "noop");
  CHECK(wait_until([&] { return db.status_of(next) == "done"; },
                   10s));
  CHECK_FALSE(daemon.wait_exit(0ms).has_value());
}
