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
#include "daemon/supervisor/worker_announcement.hpp"
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

TEST_CASE("policy: a handler's published priority is the default of every producer path, and show names the level") {
  Cli cli;
  const std::string path = "/tmp/spawnq-priority-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path) << "handlers:\n  urgent: { command: [/bin/true], priority: 8 }\n";
  auto conn = cli.db.connect();
  JobStore store(*conn);
  store.workers().register_worker({"host-a", 1, "", ""}, {"default"}, "test",
                                  {.defaults = type_defaults_of(load_config(path))});

  EnqueueRequest r;
  r.job_type = "urgent";
  const JobId from_cpp = store.jobs().enqueue(r);
  const auto cli_enqueue = cli.run({"--config", path, "enqueue", "urgent"});
  INFO(cli_enqueue.err);
  REQUIRE(cli_enqueue.exit_code == 0);
  cli.db.value("SELECT spawnq.enqueue('urgent')");
  cli.db.value("SELECT spawnq.enqueue('urgent', priority => 2)");
  cli.db.value("SELECT spawnq.enqueue('other')");
  cli.db.value(R"(SELECT count(*) FROM spawnq.enqueue_many('[{"job_type":"urgent"},{"job_type":"urgent","priority":3},
                  {"job_type":"other"}]'))");
  CHECK(cli.db.value("SELECT string_agg(job_type || ' ' || priority || ' ' || priority_from, ',' ORDER BY id)"
                     " FROM spawnq.jobs") ==
        "urgent 8 handler,urgent 8 handler,urgent 8 handler,urgent 2 job,other 5 default,"
        "urgent 8 handler,urgent 3 job,other 5 default");

  const auto shown = cli.run({"--config", path, "show", std::to_string(from_cpp), "--json"});
  REQUIRE(shown.exit_code == 0);
  const auto priority = nlohmann::json::parse(shown.out)["policy"]["priority"];
  CHECK(priority["value"] == 8);
  CHECK(priority["from"] == "handler");

  // Agreeing daemons exit 0; one that says otherwise is named, and exit 1.
  const auto agree = cli.run({"--config", path, "check-config", "--published"});
  CHECK(agree.exit_code == 0);
  CHECK_THAT(agree.out, Catch::Matchers::Contains("# published: the running daemons agree with this config"));
  TypeDefault other;
  other.job_type = "urgent";
  other.priority = 3;
  const WorkerId second =
      store.workers().register_worker({"host-b", 2, "", ""}, {"default"}, "test", {.defaults = {other}});
  const auto differ = cli.run({"--config", path, "check-config", "--published"});
  CHECK(differ.exit_code == 1);
  CHECK_THAT(differ.out, Catch::Matchers::Contains("handler urgent: priority: this config 8, worker "));
  CHECK_THAT(differ.out, Catch::Matchers::Contains("worker " + std::to_string(second) + " on host-b 3"));
  CHECK_THAT(differ.err, Catch::Matchers::Contains("1 handler settings differ"));
  ::unlink(path.c_str());
}
