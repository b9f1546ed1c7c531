// max_concurrency, rate and global_max_workers: from the config to what a
// claim enforces.
#include <catch2/catch.hpp>

#include "config/config_emitter.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_field.hpp"
#include "daemon/supervisor/claim_limits.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using Catch::Matchers::Equals;

TEST_CASE("claim limits come from handlers and the queue, and check-config prints them back") {
  const Config c = parse_config(R"(
queues:
  imports: { global_max_workers: 4 }
  other:
handlers:
  resize: { max_concurrency: 1 }
  report: { rate: { limit: 10, per: 1m } }
  plain:  { timeout: 5s }
)",
                                "c.yaml", "/tmp");
  const ClaimLimits imports = claim_limits(c, c.queues.at(0));
  CHECK(imports.global_max == 4);
  REQUIRE(imports.types.size() == 2);
  CHECK(imports.types.at("resize").max_running == 1);
  CHECK_FALSE(imports.types.at("resize").rate);
  CHECK(imports.types.at("report").rate == 10);
  CHECK(imports.types.at("report").per == 1min);
  CHECK(frees_limited_room(imports, "plain"));  // the queue is capped: any finish frees room

  const ClaimLimits other = claim_limits(c, c.queues.at(1));
  CHECK_FALSE(other.global_max);
  CHECK(frees_limited_room(other, "resize"));
  CHECK_FALSE(frees_limited_room(other, "report"));  // a rate frees nothing by finishing
  CHECK_FALSE(frees_limited_room(other, "plain"));

  const Config again = parse_config(to_yaml(c), "again.yaml", "/tmp");
  CHECK(again.queues.at(0).global_max_workers == 4);
  CHECK(again.handlers.at("resize").max_concurrency == 1);
  CHECK(again.handlers.at("report").rate_limit == 10);
  CHECK(again.handlers.at("report").rate_per == 1min);
}

TEST_CASE("claim limits: a rate needs both limit and per") {
  CHECK_THROWS_WITH(parse_config("handlers:\n  r: { rate: { limit: 10 } }\n", "c.yaml", "/tmp"),
                    Equals("c.yaml:2: handlers.r.rate: needs limit and per, e.g. { limit: 10, per: 1m }"));
  CHECK_THROWS_WITH(parse_config("handlers:\n  r: { max_concurrency: 0 }\n", "c.yaml", "/tmp"),
                    Equals("c.yaml:2: handlers.r.max_concurrency: must be ≥ 1, got 0"));
}
