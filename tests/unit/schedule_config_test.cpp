// The schedules: key (issue 7): recurring jobs in the config.
#include <catch2/catch.hpp>

#include "config/config_emitter.hpp"
#include "config/config_loader.hpp"

using namespace spawnq;
using Catch::Matchers::Equals;

namespace {

Config parse(const std::string& yaml) { return parse_config(yaml, "s.yaml", "/tmp"); }

void check_error(const std::string& yaml, const std::string& message) {
  INFO(yaml);
  CHECK_THROWS_WITH(parse(yaml), Equals(message));
}

}  // namespace

TEST_CASE("schedules: every key, and the defaults") {
  const Config c = parse(R"(
queues: [default, imports]
schedules:
  nightly_report: { cron: "0 2 * * *", job_type: report, queue: imports, payload: { kind: daily, n: 3, ok: true, code: "007" }, priority: 5 }
  heartbeat:      { cron: "*/15 * * * * *", job_type: noop }
  local_one:      { cron: "@daily", job_type: noop, timezone: local, catch_up: none, overlap: false, max_attempts: 2 }
)");
  REQUIRE(c.schedules.size() == 3);
  const ScheduleConfig& report = c.schedules[0];
  CHECK(report.name == "nightly_report");
  CHECK(report.cron.text == "0 2 * * *");
  CHECK(report.job_type == "report");
  CHECK(report.queue == "imports");
  CHECK(report.payload_json == R"({"code":"007","kind":"daily","n":3,"ok":true})");
  CHECK(report.priority == 5);
  CHECK(report.zone == CronZone::utc);
  CHECK(report.catch_up);
  CHECK(report.overlap);
  CHECK_FALSE(report.max_attempts);
  const ScheduleConfig& beat = c.schedules[1];
  CHECK(beat.queue == "default");
  CHECK(beat.payload_json == "{}");
  CHECK(beat.cron.seconds.count() == 4);
  const ScheduleConfig& local = c.schedules[2];
  CHECK(local.zone == CronZone::local);
  CHECK_FALSE(local.catch_up);
  CHECK_FALSE(local.overlap);
  CHECK(local.max_attempts == 2);
}

TEST_CASE("schedules: a bad entry fails with file, line and key") {
  check_error("schedules:\n  a: { cron: \"61 * * * *\", job_type: noop }\n",
              "s.yaml:2: schedules.a.cron: invalid cron expression: minute '61': 61 is out of range 0-59");
  check_error("schedules:\n  a:\n    job_type: noop\n    cron: \"0 0 30 2 *\"\n",
              "s.yaml:4: schedules.a.cron: invalid cron expression: never fires (no such date)");
  check_error("schedules:\n  a: { job_type: noop }\n", "s.yaml:2: schedules.a: needs a cron expression, e.g. cron: \"0 2 * * *\"");
  check_error("schedules:\n  a: { cron: \"@daily\" }\n", "s.yaml:2: schedules.a: needs a job_type");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, queue: elsewhere }\n",
              "s.yaml:2: schedules.a.queue: queue 'elsewhere' is not configured here, so no daemon of this config "
              "would fire it");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, catch_up: all }\n",
              "s.yaml:2: schedules.a.catch_up: must be one or none, got 'all'");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, overlap: maybe }\n",
              "s.yaml:2: schedules.a.overlap: must be true or false, got 'maybe'");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, timezone: Europe/Paris }\n",
              "s.yaml:2: schedules.a.timezone: must be utc or local, got 'Europe/Paris'");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, payload: [1] }\n",
              "s.yaml:2: schedules.a.payload: must be a map (a JSON object)");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, priority: 11 }\n",
              "s.yaml:2: schedules.a.priority: must be 1..10, got 11");
  check_error("schedules:\n  \"a b\": { cron: \"@daily\", job_type: noop }\n",
              "s.yaml:2: schedules.a b: schedule name 'a b' must be 1-100 characters of A-Z a-z 0-9 _ . : -");
  check_error("schedules:\n  a: { cron: \"@daily\", job_type: noop, every: 5 }\n",
              "s.yaml:2: schedules.a.every: unknown key (known keys: cron, job_type, queue, payload, priority, "
              "max_attempts, timezone, catch_up, overlap)");
}

TEST_CASE("schedules: check-config prints them so that they load back the same") {
  const Config original = parse(R"(
schedules:
  report: { cron: "0 2 * * 1-5", job_type: report, payload: { code: "007", n: [1, 2.5, null] }, overlap: false }
)");
  const Config again = parse(to_yaml(original));
  REQUIRE(again.schedules.size() == 1);
  CHECK(again.schedules[0].cron.text == "0 2 * * 1-5");
  CHECK(again.schedules[0].payload_json == original.schedules[0].payload_json);
  CHECK(again.schedules[0].payload_json == R"({"code":"007","n":[1,2.5,null]})");
  CHECK_FALSE(again.schedules[0].overlap);
  CHECK(again.schedules[0].catch_up);
}
