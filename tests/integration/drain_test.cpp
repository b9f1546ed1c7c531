// The drain of a real daemon (daemon/supervisor/drain, docs/SPEC.md §6): the
// second Ctrl-C of a person who does not want to wait, and the drain as
// `spawnq workers` shows it.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/job_store.hpp"
#include "support/cli_runner.hpp"
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

TEST_CASE_METHOD(JobDatabase, "daemon: a drain with shutdown_timeout 0s still writes every interrupted job's outcome") {
  // 400 outcomes take longer to write than one check of the drain: only an
  // unreachable database may cut that short, not shutdown_timeout itself.
  DaemonProcess daemon(db.url(), "shutdown_timeout: 0s\nsigterm_grace: 5s\n"
                                 "queues:\n  default: { max_workers: 400 }\n");
  for (int i = 0; i < 400; ++i) enqueue(store, "sleep", R"({"seconds": 60})");
  REQUIRE(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'processing'") == "400"; },
                     30s));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit(30s) == 0);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'retry_wait'") == "400");
  CHECK_THAT(daemon.log(), !Contains("unwritten"));
}

TEST_CASE_METHOD(JobDatabase, "daemon: spawnq workers shows each daemon serving, then draining, and a silent one dead") {
  // The daemon must not forget the silent one while the test reads: no
  // periodic check, and a stuck_job_timeout longer than its silence for the
  // sweep the daemon makes once at start (on a loaded machine that sweep may
  // run after the row below is inserted). The CLI reads with the default
  // timeout, so to it the row is declared dead.
  DaemonProcess daemon(db.url(), "poll_interval: 200ms\nheartbeat_interval: 200ms\nshutdown_timeout: 60s\n"
                                 "stuck_check_interval: 1h\nstuck_job_timeout: 2h\n"
                                 "queues:\n  default: { max_workers: 2 }\n  mail: { max_workers: 1 }\n");
  const JobId id = enqueue(store, "sleep", R"({"seconds": 60})");
  REQUIRE(wait_until([&] { return daemon.runner_pid(id).has_value(); }, 10s));
  // A daemon that stopped answering an hour ago, as the others see it.
  db.sql("INSERT INTO spawnq.workers (host, pid, queues, version, heartbeat_at)"
         " VALUES ('gone.example', 4242, '{default}', '0.0.1', now() - interval '1 hour')");
  const auto workers = [&] {
    const CliResult r = run_spawnq({"--database-url", db.url(), "workers", "--json"});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)["workers"];
  };
  auto all = workers();
  REQUIRE(all.size() == 2);
  CHECK(all[0]["pid"] == daemon.pid());
  CHECK(all[0]["queues"] == nlohmann::json({"default", "mail"}));
  CHECK(all[0]["running"] == 1);
  CHECK(all[0]["draining"] == false);
  CHECK(all[0]["declared_dead"] == false);
  CHECK(all[0]["silent_s"].get<double>() < 5);
  CHECK(all[1]["host"] == "gone.example");
  CHECK(all[1]["declared_dead"] == true);
  CHECK(all[1]["running"] == 0);

  daemon.signal(SIGTERM);
  CHECK(wait_until([&] { return workers()[0]["draining"] == true; }, 5s));
  const CliResult table = run_spawnq({"--database-url", db.url(), "workers"});
  CHECK_THAT(table.out, Contains("draining") && Contains("declared dead") && Contains("gone.example"));
  daemon.signal(SIGINT);  // the second interrupt: stop the job now
  CHECK(daemon.wait_exit(10s) == 0);
}
