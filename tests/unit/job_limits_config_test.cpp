// limits:, user: and group: in the config, and how they reach the envelope.
#include <catch2/catch.hpp>

#include "common/envelope.hpp"
#include "common/resource_limits.hpp"
#include "config/config_emitter.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_field.hpp"
#include "daemon/supervisor/job_plan.hpp"

using namespace spawnq;
using Catch::Matchers::Equals;

namespace {

Config parse(const std::string& yaml) { return parse_config(yaml, "l.yaml", "/tmp"); }

}  // namespace

TEST_CASE("limits: per queue and per handler, the handler's winning key by key") {
  const Config c = parse(R"(
queues:
  imports: { limits: { memory: 512M, cpu_time: 10m, open_files: 1024, processes: 256 } }
handlers:
  resize: { limits: { memory: 1G, core: 64M }, user: nobody, group: nogroup }
)");
  const QueueConfig& q = c.queues.at(0);
  CHECK(q.limits.memory_bytes == std::uint64_t{512} << 20);
  CHECK(q.limits.cpu_time_s == 600);
  CHECK(q.limits.open_files == 1024u);
  CHECK(q.limits.processes == 256u);
  const HandlerConfig& h = c.handlers.at("resize");
  CHECK(h.argv.empty());  // the runner's own handler, with these settings
  REQUIRE(h.run_as);
  CHECK(h.run_as->user == "nobody");
  CHECK(h.run_as->uid == 65534u);

  ClaimedJob job;
  job.id = 7;
  job.queue = "imports";
  job.job_type = "resize";
  job.payload = "{}";
  const Envelope e = parse_envelope(build_envelope(job, q, c));
  CHECK(e.limits.memory_bytes == std::uint64_t{1} << 30);
  CHECK(e.limits.cpu_time_s == 600);
  CHECK(e.limits.core_bytes == std::uint64_t{64} << 20);
  CHECK(e.run_as == h.run_as);
  CHECK_FALSE(e.command);

  job.job_type = "other";
  const Envelope plain = parse_envelope(build_envelope(job, q, c));
  CHECK(plain.limits == q.limits);
  CHECK_FALSE(plain.run_as);

  const Config again = parse(to_yaml(c));
  CHECK(again.queues.at(0).limits == q.limits);
  CHECK(again.handlers.at("resize").limits == h.limits);
  CHECK(again.handlers.at("resize").run_as == h.run_as);
}

TEST_CASE("limits: a command handler's plan is the command the daemon execs, with its limits, user, folder and env") {
  const Config c = parse(R"(
queues:
  imports: { limits: { open_files: 1024 } }
handlers:
  resize: { command: [/bin/true, "--fast"], env: { A: handler, B: new }, working_dir: /tmp,
            limits: { cpu_time: 10s }, user: nobody }
)");
  const QueueConfig& q = c.queues.at(0);
  ClaimedJob job;
  job.id = 7;
  job.queue = "imports";
  job.job_type = "resize";
  job.payload = R"({"w": 640})";
  job.attempt = 1;
  const JobPlan plan = plan_job(job, q, c, {"PATH=/bin", "A=daemon"}, 4321);
  REQUIRE(plan.command);
  CHECK(plan.command->argv == std::vector<std::string>{"/bin/true", "--fast"});
  CHECK(plan.command->payload == job.payload);
  CHECK(plan.command->setup.working_dir == "/tmp");
  CHECK(plan.command->setup.parent == 4321);
  CHECK(plan.command->setup.run_as == c.handlers.at("resize").run_as);
  std::vector<std::string> limits;
  for (const ResourceLimit& l : plan.command->setup.limits) {
    limits.push_back(std::string(l.name) + "=" + std::to_string(l.soft) + "/" + std::to_string(l.hard));
  }
  CHECK(limits == std::vector<std::string>{"RLIMIT_CORE=0/0", "RLIMIT_CPU=10/11", "RLIMIT_NOFILE=1024/1024"});
  // The handler's env over the job's, name by name; the job's own variables stay.
  CHECK(plan.environment == std::vector<std::string>{"PATH=/bin", "SPAWNQ_JOB_ID=7", "SPAWNQ_QUEUE=imports",
                                                     "SPAWNQ_JOB_TYPE=resize", "SPAWNQ_ATTEMPT=1",
                                                     "SPAWNQ_RESULT_FD=3", "SPAWNQ_PARENT_PID=4321", "A=handler",
                                                     "B=new"});
  // Only a runner reads an envelope: built where the daemon cannot exec the command itself, and for
  // `spawnq envelope ID` (job-runner --job-id) always.
  CHECK(plan.envelope.empty() == kSpawnsDetached);
  const Envelope e = parse_envelope(build_envelope(job, q, c));
  REQUIRE(e.command);
  CHECK(e.command->argv == plan.command->argv);

  job.job_type = "other";
  CHECK_FALSE(plan_job(job, q, c, {}, 4321).command);
}

TEST_CASE("limits: bad values and unknown users fail with file, line and key") {
  auto error = [](const std::string& yaml) {
    try {
      parse(yaml);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error("queues:\n  a: { limits: { memory: lots } }\n") ==
        "l.yaml:2: queues.a.limits.memory: must be a size like 512M, 2G or 1048576, got 'lots'");
  CHECK(error("queues:\n  a: { limits: { memory: 1M } }\n") ==
        "l.yaml:2: queues.a.limits.memory: must be at least 16777216 bytes, got 1M");
  CHECK(error("queues:\n  a: { limits: { swap: 1G } }\n") ==
        "l.yaml:2: queues.a.limits.swap: unknown key (known keys: memory, cpu_time, open_files, processes, core)");
  CHECK(error("handlers:\n  x: { user: no-such-user-here }\n") ==
        "l.yaml:2: handlers.x.user: no such user 'no-such-user-here'");
  CHECK(error("handlers:\n  x: { group: nogroup }\n") == "l.yaml:2: handlers.x.group: needs a user: as well");
  CHECK(error("handlers:\n  x: { env: { A: b } }\n") ==
        "l.yaml:2: handlers.x.env: applies to a command: add command: [program, …]");
}

TEST_CASE("limits: sizes print in the largest exact unit") {
  CHECK(format_size(std::uint64_t{512} << 20) == "512M");
  CHECK(format_size(std::uint64_t{3} << 30) == "3G");
  CHECK(format_size(1536) == "1536");
  CHECK(format_size(0) == "0");
}
