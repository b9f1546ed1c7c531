// Jobs that misbehave: crash, ignore signals, leave processes behind, flood
// their output, abuse the result channel, or get cancelled mid-run.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "fault_harness.hpp"
#include "support/cli_runner.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

TEST_CASE("faults: a child that segfaults is retried, then succeeds") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto ids = h.add_effects(3, R"({"crash_until": 2})");
  auto daemon = h.daemon();
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done' AND attempts = 2") == "3");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE signal = 11") == "3");
  h.check_guarantees();
}

TEST_CASE("faults: a child that ignores SIGTERM is killed, and its job ends dead") {
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(2, R"({"ignore_term": true, "seconds": 60})");
  auto daemon = h.daemon("default: { max_workers: 2, timeout: 500ms, max_attempts: 2 }");
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'dead'") == "2");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE signal = 9 AND outcome = 'timeout'") == "4");
  h.check_guarantees();
}

TEST_CASE("faults: a child that forks a grandchild and exits takes the grandchild with it") {
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(2, R"({"grandchild": true})");
  auto daemon = h.daemon();
  REQUIRE(h.all_terminal(20s));
  const std::string effects = h.effects();
  const std::regex line("grandchild \\d+ (\\d+)");
  int seen = 0;
  for (std::sregex_iterator it(effects.begin(), effects.end(), line), end; it != end; ++it, ++seen) {
    const pid_t pid = std::stoi((*it)[1].str());
    CHECK(wait_until([&] { return ::kill(pid, 0) != 0; }, 5s));
  }
  CHECK(seen == 2);
  h.check_guarantees();
}

TEST_CASE("faults: a handler that writes 50 MB to stdout leaves the daemon's memory bounded") {
  TestDatabase db;
  FaultHarness h(db.url());
  auto daemon = h.daemon();
  REQUIRE(wait_until([&] { return h.value("SELECT count(*) FROM spawnq.workers") == "1"; }, 5s));
  const long before = rss_kib(daemon->pid());
  const auto ids = h.add_effects(1, R"({"flood_mb": 50})");
  long peak = before;
  REQUIRE(wait_until(
      [&] {
        peak = std::max(peak, rss_kib(daemon->pid()));
        return h.value("SELECT status FROM spawnq.jobs") == "done";
      },
      60s, 10ms));
  INFO("daemon RSS before " << before << " KiB, peak " << peak << " KiB");
  CHECK(peak - before < 16 * 1024);
  CHECK(h.value("SELECT length(output_tail) FROM spawnq.job_attempts") == "8192");
  CHECK_THAT(h.value("SELECT output_tail FROM spawnq.job_attempts"), Contains("flood over"));
  h.check_guarantees();
}

TEST_CASE("faults: a handler that closes fd 3 early or writes garbage to it still ends well") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto closed = h.add_effects(1, R"({"close_fd3": true})");
  const auto garbage = h.add_effects(1, R"({"garbage": true})");
  auto daemon = h.daemon();
  REQUIRE(h.all_terminal(20s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "2");
  CHECK_THAT(daemon->log(), Contains("job=" + std::to_string(garbage[0]) + " attempt=1 → done"));
  CHECK_THAT(daemon->log(), Contains("ignoring fd 3 line (unknown result \"perhaps\")"));
  CHECK_THAT(daemon->log(), Contains("ignoring fd 3 line (not JSON)"));
  h.check_guarantees();
  // And the daemon is still working.
  h.add_effects(1);
  CHECK(h.all_terminal(10s));
}

TEST_CASE("faults: cancel while running stops the child and records cancelled") {
  TestDatabase db;
  FaultHarness h(db.url());
  const auto ids = h.add_effects(1, R"({"seconds": 60, "ignore_term": true})");
  auto daemon = h.daemon("default: { max_workers: 1 }");
  REQUIRE(wait_until([&] { return h.effects().find("start") != std::string::npos; }, 10s));
  const CliResult r = run_spawnq({"--database-url", db.url(), "cancel", std::to_string(ids[0]), "--wait=10s"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("job " + std::to_string(ids[0]) + " cancelled (stopped by worker"));
  CHECK(h.value("SELECT status || ' ' || (finished_at IS NOT NULL) FROM spawnq.jobs") == "cancelled true");
  CHECK(h.value("SELECT outcome || ' ' || signal FROM spawnq.job_attempts") == "cancelled 9");
  const std::smatch pid = [&] {
    std::smatch m;
    static const std::string text = h.effects();
    std::regex_search(text, m, std::regex("start \\d+ \\d+ (\\d+)"));
    return m;
  }();
  CHECK(::kill(std::stoi(pid[1].str()), 0) != 0);
  h.check_guarantees();
}
