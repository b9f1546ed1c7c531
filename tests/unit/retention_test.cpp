// The retention: key and how often the sweep runs (issue 7).
#include <catch2/catch.hpp>

#include "config/config_emitter.hpp"
#include "config/config_loader.hpp"
#include "daemon/maintenance/retention_sweeper.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using Catch::Matchers::Equals;

TEST_CASE("retention: per final status, in days too, and printed back by check-config") {
  const Config c = parse_config("retention: { done: 24h, failed: 7d, dead: 30d, cancelled: 7d }\n", "r.yaml", "/tmp");
  CHECK(c.retention.at(JobStatus::done) == 24h);
  CHECK(c.retention.at(JobStatus::failed) == 7 * 24h);
  CHECK(c.retention.at(JobStatus::dead) == 30 * 24h);
  const Config again = parse_config(to_yaml(c), "again.yaml", "/tmp");
  CHECK(again.retention == c.retention);
  CHECK_THAT(to_yaml(c), Catch::Contains("retention: {done: 1d, failed: 7d, dead: 30d, cancelled: 7d}"));
  CHECK(parse_config("queues: [a]\n", "r.yaml", "/tmp").retention.empty());  // kept until cleaned up by hand
}

TEST_CASE("retention: only final statuses, with a duration of at least a second") {
  CHECK_THROWS_WITH(parse_config("retention: { pending: 1h }\n", "r.yaml", "/tmp"),
                    Equals("r.yaml:1: retention.pending: unknown key (known keys: done, failed, dead, cancelled)"));
  CHECK_THROWS_WITH(parse_config("retention: { done: 10ms }\n", "r.yaml", "/tmp"),
                    Equals("r.yaml:1: retention.done: must be at least 1s, got 10ms"));
}

TEST_CASE("retention: the sweep runs every half of the shortest retention, between 1 s and a minute") {
  CHECK(sweep_interval({{JobStatus::done, 24h}}) == 1min);
  CHECK(sweep_interval({{JobStatus::done, 24h}, {JobStatus::failed, 40s}}) == 20s);
  CHECK(sweep_interval({{JobStatus::done, 1s}}) == 1s);
}
