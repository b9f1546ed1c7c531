// Daemons and the database dying under running jobs (docs/SPEC.md §6, §7).
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>

#include "fault_harness.hpp"
#include "support/private_cluster.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::vector<pid_t> runner_pids(const std::string& effects) {
  std::vector<pid_t> pids;
  const std::regex start("start \\d+ \\d+ (\\d+)");
  for (std::sregex_iterator it(effects.begin(), effects.end(), start), end; it != end; ++it) {
    pids.push_back(static_cast<pid_t>(std::stoi((*it)[1].str())));
  }
  return pids;
}

bool all_dead(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    if (::kill(pid, 0) == 0) return false;
  }
  return true;
}

// Kills `daemon` with SIGKILL once `runners` of its runners have started; true
// if they all died within `limit` (their parent-death signal).
bool runners_die_with(const FaultHarness& h, DaemonProcess& daemon, std::size_t runners,
                      std::chrono::milliseconds limit) {
  REQUIRE(wait_until([&] { return runner_pids(h.effects()).size() == runners; }, 10s));
  daemon.signal(SIGKILL);
  REQUIRE(daemon.wait_exit(5s) == 128 + SIGKILL);
  return wait_until([&] { return all_dead(runner_pids(h.effects())); }, limit);
}

}  // namespace

TEST_CASE("faults: SIGKILL of the daemon mid-run kills its children, and a restart rescues the jobs at once") {
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(4, R"({"seconds": 2})");
  {
    auto daemon = h.daemon("default: { max_workers: 4 }", {{"stuck_job_timeout", "60s"}});
    CHECK(runners_die_with(h, *daemon, 4, 5s));
  }
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'processing'") == "4");
  // stuck_job_timeout is a minute: only the same-host proof can rescue them this fast.
  auto restarted = h.daemon("default: { max_workers: 4 }", {{"stuck_job_timeout", "60s"}});
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done' AND attempts = 2") == "4");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'lost'") == "4");
  CHECK_THAT(restarted->log(), Contains("is gone (crashed?): rescuing its jobs now"));
  h.check_guarantees();
}

TEST_CASE("faults: SIGKILL of the daemon kills a command handler it exec'd in the runner's place") {
  TestDatabase db;
  FaultHarness h(db.url());
  const std::filesystem::path folder = std::filesystem::temp_directory_path() /
                                       ("spawnq-crash-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string script = (folder / "napper.sh").string();
  const std::string pid_file = (folder / "pid").string();
  // Short sleeps: what the handler itself started may outlive a killed daemon (SPEC §7), the handler may not.
  std::ofstream(script) << "#!/bin/sh\necho $$ > " << pid_file << ".new && mv " << pid_file << ".new " << pid_file
                        << "\nwhile :; do sleep 0.1; done\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  h.value("SELECT spawnq.enqueue(job_type => 'napper', payload => '{}'::jsonb)");
  auto daemon = h.daemon("default: { max_workers: 1 }", {{"handlers", "\n  napper: { command: [" + script + "] }"}});
  REQUIRE(wait_until([&] { return std::filesystem::exists(pid_file); }, 10s));
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  REQUIRE(pid > 0);
  CHECK(::kill(pid, 0) == 0);
  daemon->signal(SIGKILL);
  REQUIRE(daemon->wait_exit(5s) == 128 + SIGKILL);
  CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }, 5s));
  std::filesystem::remove_all(folder);
}

TEST_CASE("faults: SIGKILL of the daemon kills a runner that dropped to another user") {
  if (!root_or_warn()) return;
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(1, R"({"seconds": 5})");
  auto daemon = h.daemon("default: { max_workers: 1 }", {{"handlers", "\n  effect: { user: nobody }"}});
  // The change of user clears the parent-death signal: a runner that set it first would sleep its 5 s out.
  CHECK(runners_die_with(h, *daemon, 1, 3s));
}

TEST_CASE("faults: SIGKILL of one of two daemons: the survivor rescues its jobs") {
  TestDatabase db;
  FaultHarness h(db.url());
  auto doomed = h.daemon("default: { max_workers: 3 }");
  REQUIRE(wait_until([&] { return h.value("SELECT count(*) FROM spawnq.workers") == "1"; }, 5s));
  h.add_effects(3, R"({"seconds": 3})");
  REQUIRE(wait_until([&] { return runner_pids(h.effects()).size() == 3; }, 10s));
  auto survivor = h.daemon("default: { max_workers: 3 }");
  REQUIRE(wait_until([&] { return h.value("SELECT count(*) FROM spawnq.workers") == "2"; }, 5s));
  doomed->signal(SIGKILL);
  REQUIRE(h.all_terminal(30s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "3");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'lost'") == "3");
  CHECK_THAT(survivor->log(), Contains("rescued from silent worker"));
  h.check_guarantees();
}

TEST_CASE("faults: PostgreSQL restarted mid-run") {
  PrivateCluster cluster;
  FaultHarness h(cluster.url());
  h.add_effects(6, R"({"seconds": 1})");
  auto daemon = h.daemon("default: { max_workers: 3 }");
  REQUIRE(wait_until([&] { return runner_pids(h.effects()).size() >= 3; }, 10s));
  cluster.stop();
  cluster.start();
  REQUIRE(h.all_terminal(30s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "6");
  h.check_guarantees();
}

TEST_CASE("faults: PostgreSQL stopped for longer than a job's timeout") {
  PrivateCluster cluster;
  FaultHarness h(cluster.url());
  // Each job outlives its 1s limit; with two attempts each ends dead.
  h.add_effects(2, R"({"seconds": 5})");
  auto daemon = h.daemon("default: { max_workers: 2, timeout: 1s, max_attempts: 2 }",
                         {{"stuck_job_timeout", "30s"}});
  REQUIRE(wait_until([&] { return runner_pids(h.effects()).size() == 2; }, 10s));
  cluster.stop();
  REQUIRE(wait_until([&] { return daemon->log().find("timed out") != std::string::npos; }, 10s));
  std::this_thread::sleep_for(1s);  // the outage outlasts the timeout: outcomes wait in the daemon
  cluster.start();
  REQUIRE(h.all_terminal(30s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'dead'") == "2");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'timeout'") == "4");
  h.check_guarantees();
}

TEST_CASE("faults: a daemon cut off from the database for longer than stuck_job_timeout stops its children") {
  PrivateCluster cluster;
  FaultHarness h(cluster.url());
  h.add_effects(1, R"({"seconds": 4})");
  auto daemon = h.daemon("default: { max_workers: 1 }", {{"stuck_job_timeout", "1s"}});
  REQUIRE(wait_until([&] { return runner_pids(h.effects()).size() == 1; }, 10s));
  const pid_t first = runner_pids(h.effects()).front();
  cluster.stop();
  // Well before the job's own 4 seconds are up, the daemon stops it.
  CHECK(wait_until([&] { return ::kill(first, 0) != 0; }, 3s));
  CHECK_THAT(daemon->log(), Contains("no database contact for"));
  cluster.start();
  REQUIRE(h.all_terminal(30s));
  CHECK(h.value("SELECT status FROM spawnq.jobs") == "done");
  h.check_guarantees();  // the stopped attempt never completed: one completion only
}

TEST_CASE("faults: rows edited by hand into odd states end in a defined state") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto orphan = h.add_effects(1);     // processing, but no daemon holds it
  const auto spent = h.add_effects(1, R"({"crash_until": 99})");  // attempts already past the limit
  db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1, worker_id = NULL WHERE id = " +
         std::to_string(orphan[0]));
  db.sql("UPDATE spawnq.jobs SET attempts = 9, max_attempts = 2 WHERE id = " + std::to_string(spent[0]));
  auto daemon = h.daemon();
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT status || ' ' || attempts FROM spawnq.jobs WHERE id = " + std::to_string(orphan[0])) == "done 2");
  CHECK(h.value("SELECT status || ' ' || attempts FROM spawnq.jobs WHERE id = " + std::to_string(spent[0])) == "dead 10");
  h.check_guarantees();
}
