#include "config/config_emitter.hpp"

#include <catch2/catch.hpp>

#include "config/config_loader.hpp"

using namespace spawnq;
using namespace std::chrono_literals;

TEST_CASE("check-config's output loads back into the same settings") {
  const Config original = parse_config(R"(
database: { url: "postgresql://app:secret@db/jobs" }
poll_interval: 250ms
default_max_attempts: 3
job_nice: 2
backoff: [1s, 90s]
show: tui
queues:
  emails: { max_workers: 4, timeout: 60s }
  bulk:
handlers:
  shell: { command: [sh, -c, "echo hi"], env: { A: b }, working_dir: /tmp, timeout: 5s }
)",
                                       "a.yaml", "/tmp");
  const std::string yaml = to_yaml(original);
  CHECK_THAT(yaml, Catch::Contains("url: postgresql://app:***@db/jobs"));
  CHECK_THAT(yaml, Catch::Contains("emails: {max_workers: 4, timeout: 1m, max_attempts: 3"));
  const Config again = parse_config(yaml, "b.yaml", "/tmp");
  CHECK(again.poll_interval == 250ms);
  CHECK(again.show == ShowMode::tui);
  CHECK(again.job_nice == 2);
  CHECK(again.backoff == original.backoff);
  REQUIRE(again.queues.size() == 2);
  CHECK(again.queues[0].name == "emails");
  CHECK(again.queues[0].max_workers == 4);
  CHECK(again.queues[0].timeout == 60s);
  CHECK(again.queues[1].name == "bulk");
  CHECK(again.queues[1].max_attempts == 3);
  CHECK(again.handlers.at("shell").argv == original.handlers.at("shell").argv);
  CHECK(again.handlers.at("shell").env == original.handlers.at("shell").env);
  CHECK(again.handlers.at("shell").timeout == 5s);
}
