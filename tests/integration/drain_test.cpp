// The drain of a real daemon (daemon/supervisor/drain, docs/SPEC.md §6): the
// second Ctrl-C of a person who does not want to wait.
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

TEST_CASE_METHOD(JobDatabase, "daemon: a second Ctrl-C during a drain stops running jobs at once") {
  // A drain would wait a minute for the job; the second SIGINT must not.
  DaemonProcess daemon(db.url(), "poll_interval: 200ms\nshutdown_timeout: 60s\nsigterm_grace: 1s\n"
                                 "queues:\n  default: { max_workers: 1 }\n");
  const JobId id = enqueue(store, "sleep", R"({"seconds": 60})");
  REQUIRE(wait_until([&] { return daemon.runner_pid(id).has_value(); }, 10s));
  const pid_t runner = *daemon.runner_pid(id);

  daemon.signal(SIGINT);
  REQUIRE(wait_until([&] { return daemon.log().find("draining") != std::string::npos; }, 5s));
  CHECK(::kill(runner, 0) == 0);  // the first one only stops claiming
  daemon.signal(SIGINT);

  REQUIRE(daemon.wait_exit(10s) == 0);
  CHECK_THAT(daemon.log(), Contains("second interrupt: stopping running jobs now"));
  CHECK(::kill(runner, 0) != 0);
  const std::string where = " FROM spawnq.jobs WHERE id = " + std::to_string(id);
  CHECK(db.value("SELECT status" + where) == "retry_wait");
  CHECK_THAT(db.value("SELECT last_error" + where), Contains("interrupted"));
}
