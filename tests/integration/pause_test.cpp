// Pause and resume (issue 7): stored in the database and obeyed by the claim
// itself; daemons hear of it at once; running jobs finish.
#include <catch2/catch.hpp>

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

TEST_CASE_METHOD(JobDatabase, "pause: a paused queue claims nothing within a second, running jobs finish, resume restarts claims") {
  DaemonProcess daemon(db.url(), "poll_interval: 200ms\nqueues:\n  default: { max_workers: 2 }\n");
  const JobId running = enqueue(store, "sleep", R"({"seconds": 1.5})");
  REQUIRE(wait_until([&] { return db.status_of(running) == "processing"; }, 10s, 20ms));

  const CliResult paused = run_spawnq({"--database-url", db.url(), "pause", "default"});
  REQUIRE(paused.exit_code == 0);
  CHECK(paused.out == "queue default paused: no daemon claims from it; running jobs finish\n");
  REQUIRE(wait_until([&] { return daemon.log().find("queue=default paused") != std::string::npos; }, 1s, 20ms));

  const JobId waiting = enqueue(store, "noop");
  std::this_thread::sleep_for(1s);
  CHECK(db.status_of(waiting) == "pending");
  REQUIRE(wait_until([&] { return db.status_of(running) == "done"; }, 5s));  // the running one finished
  std::this_thread::sleep_for(500ms);
  CHECK(db.status_of(waiting) == "pending");

  const CliResult resumed = run_spawnq({"--database-url", db.url(), "resume", "default"});
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.out == "queue default resumed\n");
  CHECK(wait_until([&] { return db.status_of(waiting) == "done"; }, 1s, 20ms));
}

TEST_CASE_METHOD(JobDatabase, "pause: the claim itself refuses a paused queue, whatever a daemon believes") {
  const WorkerId worker = store.workers().register_worker({"h", 1, "", ""}, {"default"}, "test");
  enqueue(store, "noop");
  REQUIRE(store.admin().set_queue_paused("default", true));
  CHECK_FALSE(store.admin().set_queue_paused("default", true));  // already paused
  CHECK(store.admin().paused_queues() == std::vector<std::string>{"default"});
  CHECK(store.jobs().claim("default", 5, worker, 5).empty());
  REQUIRE(store.admin().set_queue_paused("default", false));
  CHECK_FALSE(store.admin().set_queue_paused("default", false));
  CHECK(store.jobs().claim("default", 5, worker, 5).size() == 1);
}

TEST_CASE("pause: the commands are idempotent, check the name, and stats shows the pause") {
  TestDatabase db;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--database-url", db.url()});
    return run_spawnq(args);
  };
  CHECK(run({"pause", "emails"}).exit_code == 0);
  const CliResult again = run({"pause", "emails"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "queue emails was already paused\n");
  const CliResult bad = run({"pause", "no spaces"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "spawnq: queue name 'no spaces' must be 1-56 characters of A-Z a-z 0-9 _ . -\n");

  db.sql("SELECT spawnq.enqueue('noop', queue => 'emails')");
  const CliResult table = run({"stats"});
  CHECK_THAT(table.out, Contains("paused"));
  const CliResult json = run({"stats", "--json"});
  CHECK_THAT(json.out, Contains(R"("paused": true)"));
  CHECK(run({"resume", "emails"}).out == "queue emails resumed\n");
  CHECK(run({"resume", "emails"}).out == "queue emails was not paused\n");
  CHECK_THAT(run({"stats", "--json"}).out, Contains(R"("paused": false)"));
}
