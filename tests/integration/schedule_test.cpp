// Cron schedules through real daemons (issue 7): each tick enqueued once
// however many daemons run, catch-up after downtime, overlap: false.
#include <catch2/catch.hpp>

#include <csignal>
#include <memory>
#include <regex>

#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::string config_with(const std::string& schedule) {
  return "poll_interval: 200ms\nsigterm_grace: 1s\nqueues:\n  default: { max_workers: 3 }\nschedules:\n  " +
         schedule + "\n";
}

bool scheduler_started(const DaemonProcess& daemon) {
  return daemon.log().find("schedule=") != std::string::npos;
}

}  // namespace

TEST_CASE("schedules: a 2-second schedule under three daemons for 10 s enqueues 5 ± 1 jobs, one per tick") {
  TestDatabase db;
  const std::string config = config_with(R"(every2: { cron: "*/2 * * * * *", job_type: noop })");
  std::vector<std::unique_ptr<DaemonProcess>> daemons;
  for (int i = 0; i < 3; ++i) daemons.push_back(std::make_unique<DaemonProcess>(db.url(), config));
  for (auto& daemon : daemons) REQUIRE(wait_until([&] { return scheduler_started(*daemon); }, 10s));
  std::this_thread::sleep_for(10s);
  for (auto& daemon : daemons) daemon->signal(SIGTERM);
  for (auto& daemon : daemons) REQUIRE(daemon->wait_exit(10s) == 0);

  const int jobs = std::stoi(db.value("SELECT count(*) FROM spawnq.jobs"));
  CHECK(jobs >= 4);
  CHECK(jobs <= 6);
  // Never two for the same tick, and every tick on an even second.
  CHECK(db.value("SELECT count(DISTINCT reference) FROM spawnq.jobs") == std::to_string(jobs));
  const auto references = db.sql("SELECT reference FROM spawnq.jobs ORDER BY id");
  const std::regex even_tick(R"(every2@\d{4}-\d\d-\d\dT\d\d:\d\d:\d[02468]Z)");
  for (const auto& row : references) CHECK(std::regex_match(row[0].as<std::string>(), even_tick));
  // And the work was shared: the log lines of enqueued ticks add up.
  int enqueued = 0;
  for (auto& daemon : daemons) {
    const std::string log = daemon->log();
    for (auto at = log.find(" enqueued"); at != std::string::npos; at = log.find(" enqueued", at + 1)) ++enqueued;
  }
  CHECK(enqueued == jobs);
}

TEST_CASE("schedules: after downtime one missed tick is enqueued, or none with catch_up: none") {
  TestDatabase db;
  // Daily at midnight, last fired three days ago: three ticks were missed.
  db.sql("INSERT INTO spawnq.schedules (name, last_tick) VALUES ('daily', now() - interval '3 days')");
  const std::string midnight =
      db.value("SELECT to_char(date_trunc('day', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");

  SECTION("catch_up: one (the default)") {
    DaemonProcess daemon(db.url(), config_with(R"(daily: { cron: "@daily", job_type: noop })"));
    REQUIRE(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.jobs") == "1"; }, 10s));
    CHECK(db.value("SELECT reference FROM spawnq.jobs") == "daily@" + midnight);
    std::this_thread::sleep_for(1s);
    CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "1");
    CHECK(db.value("SELECT last_tick = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' "
                   "FROM spawnq.schedules") == "t");
  }
  SECTION("catch_up: none") {
    DaemonProcess daemon(db.url(), config_with(R"(daily: { cron: "@daily", job_type: noop, catch_up: none })"));
    REQUIRE(wait_until([&] { return scheduler_started(daemon); }, 10s));
    std::this_thread::sleep_for(1500ms);
    CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");
  }
}

TEST_CASE("schedules: overlap: false skips ticks while the previous job is pending or running") {
  TestDatabase db;
  DaemonProcess daemon(db.url(), config_with(R"(slow: { cron: "* * * * * *", job_type: sleep, payload: { seconds: 2.5 }, overlap: false })"));
  REQUIRE(wait_until([&] { return scheduler_started(daemon); }, 10s));
  std::this_thread::sleep_for(6s);
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit(10s) == 0);
  const int jobs = std::stoi(db.value("SELECT count(*) FROM spawnq.jobs"));
  CHECK(jobs >= 2);
  CHECK(jobs <= 3);  // one per second would have made 6
  // No tick enqueued a job while the one before it was unfinished.
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs a JOIN spawnq.jobs b ON a.id < b.id"
                 " WHERE b.created_at < a.finished_at") == "0");
  CHECK_THAT(daemon.log(), Contains("skipped: the previous job is still processing (overlap: false)"));
}
