// Job resource limits and identity (issue 7), through the daemon and the
// fault runner: the limit is applied, a job that exceeds it fails with an
// error naming it, and the daemon goes on unharmed.
#include <signal.h>

#include <catch2/catch.hpp>

#include "fault_harness.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

TEST_CASE("limits: a handler that allocates past its memory limit fails naming the limit, and the daemon is unharmed") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto hog = h.add_effects(1, R"({"allocate_mb": 256})");
  const auto fine = h.add_effects(1, R"({"allocate_mb": 8})");
  auto daemon = h.daemon("default: { max_workers: 2, max_attempts: 1, limits: { memory: 64M } }");
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(hog[0])) == "dead");
  CHECK_THAT(h.value("SELECT last_error FROM spawnq.jobs WHERE id = " + std::to_string(hog[0])),
             Contains("out of memory: the job's memory limit (64M) was reached"));
  CHECK(h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(fine[0])) == "done");
  // Still serving.
  const auto after = h.add_effects(1);
  REQUIRE(h.all_terminal(10s));
  CHECK(h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(after[0])) == "done");
  CHECK(::kill(daemon->pid(), 0) == 0);
}

TEST_CASE("limits: a job past its cpu_time limit is killed by SIGXCPU, and the error says so") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto spinner = h.add_effects(1, R"({"spin": true})");
  auto daemon = h.daemon("default: { max_workers: 1, max_attempts: 1, limits: { cpu_time: 1s } }");
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT status || ' ' || signal FROM spawnq.jobs j JOIN spawnq.job_attempts a ON a.job_id = j.id"
                " WHERE j.id = " + std::to_string(spinner[0])) == "dead 24");
  CHECK_THAT(h.value("SELECT last_error FROM spawnq.jobs WHERE id = " + std::to_string(spinner[0])),
             Contains("SIGXCPU): the job's cpu_time limit was exceeded"));
}

TEST_CASE("limits: a handler run as another user sees that uid, its own limits, and no core dumps") {
  if (!root_or_warn()) return;
  TestDatabase db;
  FaultHarness h(db.url());
  const auto ids = h.add_effects(1, R"({"whoami": true})");
  auto daemon = h.daemon("default: { max_workers: 1 }",
                         {{"handlers", "\n  effect: { user: nobody, limits: { open_files: 64 } }"}});
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(ids[0])) == "done");
  CHECK_THAT(h.effects(), Contains("uid=65534 gid=65534 nofile=64 core=0"));
}
