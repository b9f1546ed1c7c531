#include "config/config_loader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "config/yaml_field.hpp"

#include <nlohmann/json.hpp>

using namespace spawnq;
using namespace std::chrono_literals;
using Catch::Matchers::Equals;

namespace {

// A folder with an executable handler script and a plain, non-executable file.
struct Fixture {
  std::filesystem::path dir;
  Fixture() {
    char pattern[] = "/tmp/spawnq-config-test.XXXXXX";
    dir = ::mkdtemp(pattern);
    std::ofstream(dir / "handler.sh") << "#!/bin/sh\nexit 0\n";
    ::chmod((dir / "handler.sh").c_str(), 0755);
    std::ofstream(dir / "data.txt") << "not a program\n";
    std::filesystem::create_directory(dir / "work");
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  Config parse(const std::string& yaml) const { return parse_config(yaml, "test.yaml", dir); }
};

void check_error(const Fixture& f, const std::string& yaml, const std::string& message) {
  INFO(yaml);
  CHECK_THROWS_WITH(f.parse(yaml), Equals(message));
  CHECK_THROWS_AS(f.parse(yaml), ConfigError);
}

void check_error(const std::string& yaml, const std::string& message) {
  check_error(Fixture(), yaml, message);
}

}  // namespace

TEST_CASE("an empty config means the documented defaults and one queue named default") {
  Fixture f;
  const Config c = f.parse("");
  CHECK(c.database_url == "postgresql:///spawnq");
  CHECK(c.poll_interval == 1s);
  CHECK(c.shutdown_timeout == 30s);
  CHECK(c.sigterm_grace == 10s);
  CHECK(c.stuck_job_timeout == 300s);
  CHECK(c.stuck_check_interval == 60s);
  CHECK(c.heartbeat_interval == 10s);
  CHECK(c.default_timeout == 120s);
  CHECK(c.default_max_attempts == 5);
  CHECK(c.job_nice == 5);
  CHECK(c.backoff == std::vector<Duration>{10s, 30s, 2min, 10min, 30min});
  CHECK(c.show == ShowMode::lines);
  REQUIRE(c.queues.size() == 1);
  CHECK(c.queues[0].name == "default");
  CHECK(c.queues[0].max_workers == 1);
  CHECK(c.queues[0].timeout == 120s);
  CHECK(c.handlers.empty());
  CHECK(default_config().queues.size() == 1);
}

TEST_CASE("every global key is read") {
  Fixture f;
  const Config c = f.parse(R"(
database: { url: "postgresql://app@db/jobs" }
runner: ./handler.sh
poll_interval: 250ms
shutdown_timeout: 45
sigterm_grace: 2s
stuck_job_timeout: 2m
stuck_check_interval: 15s
heartbeat_interval: 5s
default_timeout: 1h
default_max_workers: 4
default_max_attempts: 7
backoff: [1s, 1.5]
show: tui
)");
  CHECK(c.database_url == "postgresql://app@db/jobs");
  CHECK(c.runner == (f.dir / "handler.sh").string());
  CHECK(c.poll_interval == 250ms);
  CHECK(c.shutdown_timeout == 45s);
  CHECK(c.sigterm_grace == 2s);
  CHECK(c.stuck_job_timeout == 2min);
  CHECK(c.stuck_check_interval == 15s);
  CHECK(c.heartbeat_interval == 5s);
  CHECK(c.default_timeout == 1h);
  CHECK(c.default_max_workers == 4);
  CHECK(c.default_max_attempts == 7);
  CHECK(c.backoff == std::vector<Duration>{1s, 1500ms});
  CHECK(c.show == ShowMode::tui);
}

TEST_CASE("queues as a map take their own settings and fall back to the global defaults") {
  Fixture f;
  // The queues come before the globals on purpose: order in the file must not matter.
  const Config c = f.parse(R"(
queues:
  default: { max_workers: 3 }
  emails: { max_workers: 4, timeout: 60s, backoff: [5s] }
  imports:
default_timeout: 90s
default_max_attempts: 9
default_max_workers: 2
backoff: [7s]
)");
  REQUIRE(c.queues.size() == 3);
  const QueueConfig* emails = c.find_queue("emails");
  REQUIRE(emails);
  CHECK(emails->max_workers == 4);
  CHECK(emails->timeout == 60s);
  CHECK(emails->max_attempts == 9);
  CHECK(emails->backoff == std::vector<Duration>{5s});
  const QueueConfig* imports = c.find_queue("imports");
  REQUIRE(imports);
  CHECK(imports->max_workers == 2);
  CHECK(imports->timeout == 90s);
  CHECK(imports->backoff == std::vector<Duration>{7s});
  CHECK(c.find_queue("default")->max_workers == 3);
  CHECK(c.find_queue("default")->timeout == 90s);
  CHECK(c.queues[0].name == "default");  // file order is kept
}

TEST_CASE("queues as a plain list use the defaults") {
  Fixture f;
  const Config c = f.parse("default_max_workers: 5\nqueues: [a, b.c, d-e]\n");
  REQUIRE(c.queues.size() == 3);
  CHECK(c.queues[1].name == "b.c");
  CHECK(c.queues[2].max_workers == 5);
  CHECK(c.queues[2].max_attempts == 5);
}

TEST_CASE("handlers resolve their command relative to the config folder, or in PATH") {
  Fixture f;
  const Config c = f.parse(R"(
handlers:
  local:
    command: [./handler.sh, --flag, "two words"]
    env: { SMTP_HOST: localhost, PORT: "25" }
    working_dir: work
    timeout: 45s
  shell:
    command: [sh, -c, "exit 0"]
)");
  REQUIRE(c.handlers.size() == 2);
  const HandlerConfig& local = c.handlers.at("local");
  CHECK(local.argv == std::vector<std::string>{(f.dir / "handler.sh").string(), "--flag", "two words"});
  CHECK(local.env == std::map<std::string, std::string>{{"PORT", "25"}, {"SMTP_HOST", "localhost"}});
  CHECK(local.working_dir == (f.dir / "work").string());
  CHECK(local.timeout == 45s);
  const HandlerConfig& shell = c.handlers.at("shell");
  CHECK(std::filesystem::path(shell.argv[0]).is_absolute());
  CHECK(std::filesystem::path(shell.argv[0]).filename() == "sh");
  CHECK_FALSE(shell.timeout.has_value());
}

TEST_CASE("unknown keys are errors that name file, line and key") {
  check_error("poll_interval: 1s\npoll_intervall: 2s\n",
              "test.yaml:2: poll_intervall: unknown key (known keys: database, runner, poll_interval, "
              "shutdown_timeout, sigterm_grace, stuck_job_timeout, stuck_check_interval, "
              "heartbeat_interval, default_timeout, default_max_workers, default_max_attempts, job_nice, "
              "backoff, show, log_level, log_format, log_file, http, web, queues, handlers, schedules, retention, cgroups)");
  check_error("queues:\n  emails:\n    max_worker: 3\n",
              "test.yaml:3: queues.emails.max_worker: unknown key (known keys: max_workers, timeout, "
              "max_attempts, backoff, limits, global_max_workers, fair_by, group_max_workers)");
  check_error("database:\n  uri: x\n",
              "test.yaml:2: database.uri: unknown key (known keys: url, pooler, session_url)");
  check_error("handlers:\n  h:\n    max_attempts: 0\n",
              "test.yaml:3: handlers.h.max_attempts: must be ≥ 1, got 0");
  check_error("handlers:\n  h:\n    backoff: []\n", "test.yaml:3: handlers.h.backoff: must list at least one duration");
  check_error("handlers:\n  h:\n    command: [./handler.sh]\n    cmd: x\n",
              "test.yaml:4: handlers.h.cmd: unknown key (known keys: command, env, working_dir, timeout, "
              "max_attempts, backoff, limits, user, group, max_concurrency, rate, priority)");
}

TEST_CASE("fairness keys and a handler's priority are read, and bad values name them") {
  Fixture f;
  Config config = f.parse(
      "queues:\n  imports: { fair_by: group, group_max_workers: 2 }\n  emails: {}\n"
      "handlers:\n  h: { command: [./handler.sh], priority: 7 }\n");
  CHECK(config.find_queue("imports")->fair_by_group);
  CHECK(config.find_queue("imports")->group_max_workers == 2);
  CHECK_FALSE(config.find_queue("emails")->fair_by_group);
  CHECK_FALSE(config.find_queue("emails")->group_max_workers.has_value());
  CHECK(config.handlers.at("h").priority == 7);
  check_error("queues:\n  q:\n    fair_by: tenant\n", "test.yaml:3: queues.q.fair_by: must be group, got 'tenant'");
  check_error("queues:\n  q:\n    group_max_workers: 0\n",
              "test.yaml:3: queues.q.group_max_workers: must be ≥ 1, got 0");
  check_error("handlers:\n  h:\n    priority: 11\n", "test.yaml:3: handlers.h.priority: must be 1..10, got 11");
}

TEST_CASE("wrong types are errors") {
  check_error("queues:\n  emails: { max_workers: \"3\" }\n",
              "test.yaml:2: queues.emails.max_workers: must be an integer, got the string \"3\"");
  check_error("queues:\n  emails: { max_workers: three }\n",
              "test.yaml:2: queues.emails.max_workers: must be an integer, got 'three'");
  check_error("default_max_attempts: [1]\n",
              "test.yaml:1: default_max_attempts: must be an integer, got a list");
  check_error("backoff: 10s\n", "test.yaml:1: backoff: must be a list, got '10s'");
  check_error("job_nice: 20\n", "test.yaml:1: job_nice: must be 0 to 19 (a nice increment), got 20");
  check_error("job_nice: -1\n", "test.yaml:1: job_nice: must be ≥ 0, got -1");
  check_error("database: postgresql:///x\n",
              "test.yaml:1: database: must be a map, got 'postgresql:///x'");
  check_error("handlers:\n  h: { command: handler.sh }\n",
              "test.yaml:2: handlers.h.command: must be a list, got 'handler.sh'");
  check_error("handlers:\n  h: { command: [./handler.sh], env: { A: [1] } }\n",
              "test.yaml:2: handlers.h.env.A: must be a string, got a list");
  check_error("- a\n- b\n", "test.yaml:1: (top level): must be a map, got a list");
  check_error("show: fancy\n", "test.yaml:1: show: must be lines or tui, got 'fancy'");
}

TEST_CASE("bad durations and out-of-range numbers are errors") {
  check_error("poll_interval: soon\n",
              "test.yaml:1: poll_interval: must be a duration like 250ms, 30s, 5m or 2h, got 'soon'");
  check_error("default_timeout: -5s\n",
              "test.yaml:1: default_timeout: must be a duration like 250ms, 30s, 5m or 2h, got '-5s'");
  check_error("default_timeout: 0\n", "test.yaml:1: default_timeout: must be at least 1ms, got 0");
  check_error("queues:\n  emails: { max_workers: 0 }\n",
              "test.yaml:2: queues.emails.max_workers: must be ≥ 1, got 0");
  check_error("queues:\n  emails:\n    max_workers: -2\n",
              "test.yaml:3: queues.emails.max_workers: must be ≥ 1, got -2");
  check_error("default_max_workers: 0\n", "test.yaml:1: default_max_workers: must be ≥ 1, got 0");
  check_error("default_max_attempts: 0\n", "test.yaml:1: default_max_attempts: must be ≥ 1, got 0");
  check_error("backoff: []\n", "test.yaml:1: backoff: must list at least one duration");
  check_error("backoff: [1s, later]\n",
              "test.yaml:1: backoff[1]: must be a duration like 250ms, 30s, 5m or 2h, got 'later'");
  check_error("heartbeat_interval: 10s\nstuck_job_timeout: 15s\n",
              "test.yaml:2: stuck_job_timeout: stuck_job_timeout (15s) must be at least twice "
              "heartbeat_interval (10s), or healthy daemons would look dead");
}

TEST_CASE("duplicate and invalid queue names are errors") {
  check_error("queues:\n  emails: {}\n  emails: { max_workers: 2 }\n",
              "test.yaml:3: queues.emails: appears twice");
  check_error("queues: [a, b, a]\n", "test.yaml:1: queues[2]: queue 'a' is listed twice");
  check_error("queues:\n  \"bad name\": {}\n",
              "test.yaml:2: queues.bad name: queue name 'bad name' must be 1-56 characters of A-Z "
              "a-z 0-9 _ . -");
  check_error("queues: []\n", "test.yaml:1: queues: must name at least one queue");
}

TEST_CASE("handlers whose command is not an executable file are errors") {
  Fixture f;
  check_error(f, "handlers:\n  h: { command: [./missing.sh] }\n",
              "test.yaml:2: handlers.h.command[0]: no such file: " + (f.dir / "missing.sh").string());
  check_error(f, "handlers:\n  h: { command: [./data.txt] }\n",
              "test.yaml:2: handlers.h.command[0]: not executable: " + (f.dir / "data.txt").string());
  check_error(f, "handlers:\n  h: { command: [./work] }\n",
              "test.yaml:2: handlers.h.command[0]: not a regular file: " + (f.dir / "work").string());
  check_error(f, "handlers:\n  h: { command: [no-such-program-anywhere] }\n",
              "test.yaml:2: handlers.h.command[0]: 'no-such-program-anywhere' not found in PATH");
  check_error(f, "handlers:\n  h: { command: [] }\n",
              "test.yaml:2: handlers.h.command: must list the program and its arguments");
  check_error(f, "handlers:\n  h: { env: {} }\n",
              "test.yaml:2: handlers.h.env: applies to a command: add command: [program, …]");
  check_error(f, "handlers:\n  h: { command: [./handler.sh], working_dir: nowhere }\n",
              "test.yaml:2: handlers.h.working_dir: no such directory: " + (f.dir / "nowhere").string());
  check_error(f, "runner: ./data.txt\n", "test.yaml:1: runner: not executable: " + (f.dir / "data.txt").string());
}

TEST_CASE("broken YAML is an error with its line") {
  check_error("queues:\n  emails: { max_workers: 3\n", "test.yaml:3: invalid YAML: end of map flow not found");
}

TEST_CASE("a config file that cannot be read is a ConfigError naming it") {
  CHECK_THROWS_WITH(load_config("/nonexistent/spawnq.yaml"),
                    Equals("/nonexistent/spawnq.yaml: cannot read the config file: No such file or directory"));
  CHECK_THROWS_AS(load_config("/tmp"), ConfigError);
}

TEST_CASE("a config file's relative paths resolve against its own folder") {
  Fixture f;
  std::ofstream(f.dir / "spawnq.yaml") << "handlers:\n  h: { command: [./handler.sh] }\n";
  const Config c = load_config((f.dir / "spawnq.yaml").string());
  CHECK(c.source == (f.dir / "spawnq.yaml").string());
  CHECK(c.handlers.at("h").argv[0] == (f.dir / "handler.sh").string());
}

TEST_CASE("the http endpoint is off unless configured, and on loopback unless told otherwise") {
  Fixture f;
  CHECK_FALSE(f.parse("").http_listen.has_value());
  CHECK(f.parse("http:\n").http_listen == "127.0.0.1:9464");
  CHECK(f.parse("http: { listen: \"0.0.0.0:9000\" }\n").http_listen == "0.0.0.0:9000");
  CHECK(f.parse("http: { listen: \"[::1]:9464\" }\n").http_listen == "[::1]:9464");
  check_error("http: { listen: localhost }\n",
              "test.yaml:1: http.listen: must be IP:PORT such as 127.0.0.1:9464 or [::1]:9464, got 'localhost'");
  check_error("http: { port: 9 }\n", "test.yaml:1: http.port: unknown key (known keys: listen)");
}

TEST_CASE("log settings are read and checked") {
  Fixture f;
  const Config c = f.parse("log_level: debug\nlog_format: json\nlog_file: spawnq.log\n");
  CHECK(c.log.level == "debug");
  CHECK(c.log.format == LogFormat::json);
  CHECK(c.log.file == (f.dir / "spawnq.log").string());
  CHECK(f.parse("").log.level == "info");
  check_error("log_level: loud\n",
              "test.yaml:1: log_level: must be trace, debug, info, warn, error, critical or off, got 'loud'");
  check_error("log_format: xml\n", "test.yaml:1: log_format: must be text or json, got 'xml'");
  check_error("log_file: /nonexistent/dir/x.log\n", "test.yaml:1: log_file: no such directory: /nonexistent/dir");
}

TEST_CASE("JSON log lines carry the job's fields") {
  const auto line = nlohmann::json::parse(format_json_log_line("2026-01-01T00:00:00.000Z", "info", "spawnq",
                                                               "queue=emails job=42 attempt=3 → done"));
  CHECK(line["queue"] == "emails");
  CHECK(line["job"] == 42);
  CHECK(line["attempt"] == 3);
  CHECK(line["msg"] == "queue=emails job=42 attempt=3 → done");
  CHECK(line["level"] == "info");
  CHECK_FALSE(nlohmann::json::parse(format_json_log_line("t", "info", "spawnq", "draining")).contains("job"));
}

TEST_CASE("database.pooler says what stands on database.url, and session_url bypasses it") {
  Fixture f;
  const Config direct = parse_config("", "test.yaml", f.dir);
  CHECK(direct.database_pooler == Pooler::none);
  CHECK_FALSE(direct.session_url.has_value());
  const Config pooled = parse_config(
      "database:\n  url: postgresql://app@bouncer:6432/jobs\n  pooler: transaction\n"
      "  session_url: postgresql://app@db/jobs\n",
      "test.yaml", f.dir);
  CHECK(pooled.database_pooler == Pooler::transaction);
  CHECK(pooled.session_url == "postgresql://app@db/jobs");
  check_error("database:\n  pooler: session\n",
              "test.yaml:2: database.pooler: must be none or transaction, got 'session'");
}
