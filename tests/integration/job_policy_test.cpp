// Per-type policy (docs/SPEC.md §2.1): a job's own max_attempts, else its
// handler's, else its queue's, else the global default; the same order for
// timeout and backoff without the job's own. The claim fills max_attempts in
// and records the level (migration 013); `spawnq show` names each level.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/config_loader.hpp"
#include "daemon/supervisor/claim_limits.hpp"
#include "support/cli_database.hpp"

using namespace spawnq;
using namespace spawnq::test;

namespace {

const char* kConfig = R"(default_max_attempts: 4
queues:
  plain: {}
  strict: { max_attempts: 2, timeout: 40s }
handlers:
  picky: { max_attempts: 7, timeout: 9s, backoff: [1s, 2s] }
)";

}  // namespace

TEST_CASE("policy: one job per level, claimed by the config's rules, and show names the level") {
  Cli cli;
  const std::string path = "/tmp/spawnq-policy-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path) << kConfig;
  const Config config = load_config(path);
  auto conn = cli.db.connect();
  JobStore store(*conn);
  const WorkerId worker = store.workers().register_worker({"host-a", 1, "", ""}, {"plain", "strict"}, "test");

  const auto enqueue = [&](const std::string& type, const std::string& queue, std::optional<int> max_attempts = {}) {
    EnqueueRequest r;
    r.job_type = type;
    r.queue = queue;
    r.max_attempts = max_attempts;
    return store.jobs().enqueue(r);
  };
  const JobId own = enqueue("picky", "strict", 9);
  const JobId handler = enqueue("picky", "strict");
  const JobId queue = enqueue("other", "strict");
  const JobId global = enqueue("other", "plain");
  for (const char* name : {"plain", "strict"}) {
    const QueueConfig q = config.settings_for(name);
    store.jobs().claim(name, 10, worker, claim_max_attempts(config, q));
  }

  const auto policy = [&](JobId id) {
    const auto shown = cli.run({"--config", path, "show", std::to_string(id), "--json"});
    REQUIRE(shown.exit_code == 0);
    return nlohmann::json::parse(shown.out)["policy"];
  };
  const auto line = [](const nlohmann::json& setting) {
    return setting["value"].dump() + " " + setting["from"].get<std::string>();
  };
  CHECK(line(policy(own)["max_attempts"]) == "9 job");
  CHECK(line(policy(own)["timeout"]) == "\"9s\" handler");
  CHECK(line(policy(handler)["max_attempts"]) == "7 handler");
  CHECK(line(policy(handler)["backoff"]) == "[\"1s\",\"2s\"] handler");
  CHECK(line(policy(queue)["max_attempts"]) == "2 queue");
  CHECK(line(policy(queue)["timeout"]) == "\"40s\" queue");
  CHECK(policy(queue)["backoff"]["from"] == "default");
  CHECK(line(policy(global)["max_attempts"]) == "4 default");
  CHECK(policy(global)["timeout"]["from"] == "default");
  CHECK(cli.db.value("SELECT string_agg(max_attempts || ' ' || max_attempts_from, ',' ORDER BY id) FROM spawnq.jobs") ==
        "9 job,7 handler,2 queue,4 default");
  const auto text = cli.run({"--config", path, "show", std::to_string(handler)});
  CHECK_THAT(text.out, Catch::Matchers::Contains("  max_attempts: 7 (handler)\n"));
  ::unlink(path.c_str());
}
