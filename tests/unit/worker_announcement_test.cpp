#include "daemon/supervisor/worker_announcement.hpp"

#include <catch2/catch.hpp>

#include "config/config_loader.hpp"

using namespace spawnq;
using Catch::Matchers::Equals;

namespace {

TypeDefault with_priority(const std::string& type, std::optional<int> priority) {
  TypeDefault d;
  d.job_type = type;
  d.priority = priority;
  return d;
}

PublishedDefault published(WorkerId worker, const std::string& host, TypeDefault values) {
  return {worker, host, std::move(values)};
}

}  // namespace

TEST_CASE("a config's handlers become one published default each, in seconds") {
  Config config = parse_config(
      "handlers:\n"
      "  send_email: { command: [/bin/true], priority: 7, max_attempts: 4, backoff: [1s, 2m], timeout: 90s }\n"
      "  resize: { command: [/bin/true] }\n",
      "test.yaml", "/tmp");
  std::vector<TypeDefault> defaults = type_defaults_of(config);
  REQUIRE(defaults.size() == 2);
  CHECK(defaults[0] == with_priority("resize", std::nullopt));
  CHECK(defaults[1].job_type == "send_email");
  CHECK(defaults[1].priority == 7);
  CHECK(defaults[1].max_attempts == 4);
  CHECK(defaults[1].backoff_s == std::vector<double>{1.0, 120.0});
  CHECK(defaults[1].timeout_s == 90.0);
}

TEST_CASE("agreeing daemons, or types only one side serves, are no disagreement") {
  std::vector<TypeDefault> mine = {with_priority("a", 7), with_priority("only_mine", 1)};
  CHECK(defaults_disagreements(mine, {}).empty());
  CHECK(defaults_disagreements(mine, {published(1, "h1", with_priority("a", 7)),
                                      published(2, "h2", with_priority("only_theirs", 3))})
            .empty());
}

TEST_CASE("each differing setting is one line naming every side") {
  std::vector<TypeDefault> mine = {with_priority("send_email", 7)};
  TypeDefault theirs = with_priority("send_email", 3);
  theirs.timeout_s = 60.0;
  std::vector<std::string> lines =
      defaults_disagreements(mine, {published(12, "web-1", with_priority("send_email", 7)),
                                    published(13, "web-2", theirs)});
  CHECK_THAT(lines, Equals(std::vector<std::string>{
                        "handler send_email: priority: this config 7, worker 12 on web-1 7, worker 13 on web-2 3",
                        "handler send_email: timeout: this config unset, worker 12 on web-1 unset, worker 13 on "
                        "web-2 1m"}));
}

TEST_CASE("two daemons that disagree differ even when this config serves no such type") {
  std::vector<std::string> lines = defaults_disagreements(
      {}, {published(1, "a", with_priority("t", 1)), published(2, "b", with_priority("t", std::nullopt))});
  CHECK_THAT(lines, Equals(std::vector<std::string>{"handler t: priority: worker 1 on a 1, worker 2 on b unset"}));
}
