// The daemon end to end: a real `spawnq work-all`, real job-runner processes,
// real signals and a real PostgreSQL (docs/SPEC.md §4, §5, §6).
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// Fast settings for tests, plus a handler per fixture script. `overrides`
// replace the defaults below (a key may appear only once in a config).
std::string test_config(const std::string& extra_handlers = "",
                        const std::string& queues = "default: { max_workers: 3 }",
                        std::map<std::string, std::string> overrides = {}) {
  std::map<std::string, std::string> settings = {{"poll_interval", "200ms"},  {"sigterm_grace", "1s"},
                                                 {"shutdown_timeout", "5s"}, {"default_timeout", "10s"},
                                                 {"backoff", "[60s]"}};
  for (auto& [key, value] : overrides) settings[key] = value;
  std::string yaml;
  for (const auto& [key, value] : settings) yaml += key + ": " + value + "\n";
  yaml += "queues:\n  " + queues + "\nhandlers:\n";
  for (const char* name : {"exit_with", "result_line", "progress", "segv", "ignore_term", "grandchild",
                           "concurrency", "env_dump"}) {
    yaml += std::string("  ") + name + ": { command: [\"" + fixture_handler(std::string(name) + ".sh") + "\"] }\n";
  }
  return yaml + extra_handlers;
}

struct Harness : JobDatabase {
  JobId add(const std::string& job_type, const std::string& payload = "{}", const std::string& queue = "default") {
    return enqueue(store, job_type, payload, queue);
  }
  std::string field(JobId id, const std::string& expression) {
    return db.value("SELECT " + expression + " FROM spawnq.jobs WHERE id = " + std::to_string(id));
  }
  std::string status(JobId id) { return db.status_of(id); }
  bool reaches(JobId id, const std::string& wanted, std::chrono::milliseconds limit = 15s) {
    return wait_until([&] { return status(id) == wanted; }, limit, 50ms);
  }
  std::string attempt(JobId id, const std::string& expression) {
    return db.value("SELECT " + expression + " FROM spawnq.job_attempts WHERE job_id = " + std::to_string(id) +
                    " ORDER BY id DESC LIMIT 1");
  }
};

// A handler whose behaviour comes from its env, under a job type of its own.
std::string handler_with_env(const std::string& job_type, const std::string& script,
                             const std::string& env) {
  return "  " + job_type + ": { command: [\"" + fixture_handler(script) + "\"], env: {" + env + "} }\n";
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// What tests/fixtures/concurrency.sh recorded in `dir`: how many copies ran,
// and the most that ran at once.
std::pair<int, int> copies_observed(const std::string& dir) {
  std::ifstream observed(dir + "/observed");
  int most = 0;
  int count = 0;
  for (int n; observed >> n; ++count) most = std::max(most, n);
  return {count, most};
}

}  // namespace

TEST_CASE("daemon: a job that succeeds is done, its attempt and output recorded") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config());
  const JobId noop = h.add("noop");
  const JobId echo = h.add("echo", R"({"word": "bonjour"})");
  REQUIRE(h.reaches(noop, "done"));
  REQUIRE(h.reaches(echo, "done"));
  CHECK(h.attempt(echo, "outcome || ' ' || exit_code || ' ' || (pid > 0)") == "success 0 true");
  CHECK_THAT(h.attempt(echo, "output_tail"), Contains(R"({"word":"bonjour"})"));
  CHECK(h.field(noop, "attempts || ' ' || progress || ' ' || (finished_at IS NOT NULL)") == "1 1 true");
  CHECK_THAT(daemon.log(), Contains("[default #" + std::to_string(echo) + "] {\"word\":\"bonjour\"}"));
}

TEST_CASE("daemon: exit 75 waits in retry_wait for the backoff delay, exit 65 fails for good") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config(handler_with_env("exit75", "exit_with.sh", "EXIT_CODE: '75'") +
                                               handler_with_env("exit65", "exit_with.sh", "EXIT_CODE: '65'")));
  const JobId retry = h.add("exit75");
  const JobId fail = h.add("exit65");
  REQUIRE(h.reaches(retry, "retry_wait"));
  CHECK(h.field(retry, "available_at BETWEEN now() + interval '50 seconds' AND now() + interval '61 seconds'") == "t");
  CHECK(h.field(retry, "last_error") == "exited with code 75");
  REQUIRE(h.reaches(fail, "failed"));
  CHECK(h.field(fail, "last_error") == "exited with code 65");
  CHECK(h.attempt(fail, "exit_code") == "65");
}

TEST_CASE("daemon: result lines decide the outcome, and retry_after is honoured") {
  Harness h;
  DaemonProcess daemon(
      h.db.url(),
      test_config(handler_with_env("says_success", "result_line.sh",
                                   R"(RESULT_LINE: '{"result":"success"}', EXIT_CODE: '3')") +
                  handler_with_env("says_retry", "result_line.sh",
                                   R"(RESULT_LINE: '{"result":"retry","error":"busy","retry_after":300}')") +
                  handler_with_env("says_fail", "result_line.sh",
                                   R"(RESULT_LINE: '{"result":"fail","error":"no such user"}')")));
  const JobId success = h.add("says_success");
  const JobId retry = h.add("says_retry");
  const JobId fail = h.add("says_fail");
  REQUIRE(h.reaches(success, "done"));
  REQUIRE(h.reaches(retry, "retry_wait"));
  CHECK(h.field(retry, "last_error") == "busy");
  CHECK(h.field(retry, "available_at BETWEEN now() + interval '290 seconds' AND now() + interval '301 seconds'") == "t");
  REQUIRE(h.reaches(fail, "failed"));
  CHECK(h.field(fail, "last_error") == "no such user");
}

TEST_CASE("daemon: progress is recorded while the job runs") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config());
  const JobId id = h.add("progress");
  CHECK(wait_until([&] { return h.field(id, "COALESCE(progress::text, '')") == "0.5"; }, 10s));
  CHECK(h.field(id, "progress_message") == "halfway");
  CHECK(h.status(id) == "processing");
  REQUIRE(h.reaches(id, "done"));
  CHECK(h.field(id, "progress") == "1");
}

TEST_CASE("daemon: a child killed by SIGSEGV is retried") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config());
  const JobId id = h.add("segv");
  REQUIRE(h.reaches(id, "retry_wait"));
  CHECK(h.field(id, "last_error") == "killed by signal 11 (SIGSEGV)");
  CHECK(h.attempt(id, "signal") == "11");
}

TEST_CASE("daemon: a child that ignores SIGTERM is SIGKILLed within sigterm_grace of its deadline") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config("", "default: { max_workers: 1, timeout: 1s }"));
  const JobId id = h.add("ignore_term");
  REQUIRE(h.reaches(id, "retry_wait"));
  CHECK(h.field(id, "last_error") == "timed out after 1s");
  CHECK(h.attempt(id, "signal || ' ' || outcome") == "9 timeout");
  // Deadline 1s, then sigterm_grace 1s: killed at about 2s.
  const double ran = std::stod(h.attempt(id, "extract(epoch FROM finished_at - started_at)"));
  CHECK(ran >= 1.9);
  CHECK(ran < 3.5);
}

TEST_CASE("daemon: a grandchild left running by a handler dies with the job") {
  Harness h;
  char pattern[] = "/tmp/spawnq-pids.XXXXXX";
  const std::string pid_dir = ::mkdtemp(pattern);
  DaemonProcess daemon(h.db.url(), test_config(handler_with_env("leaves_child", "grandchild.sh",
                                                                "PID_DIR: '" + pid_dir + "'")));
  const JobId id = h.add("leaves_child");
  REQUIRE(h.reaches(id, "done"));
  std::ifstream pid_file(pid_dir + "/" + std::to_string(id) + ".pid");
  pid_t grandchild = 0;
  REQUIRE(pid_file >> grandchild);
  CHECK(wait_until([&] { return !process_alive(grandchild); }, 5s));
  std::filesystem::remove_all(pid_dir);
}

TEST_CASE("daemon: max_workers is never exceeded, as the handlers themselves measure") {
  Harness h;
  char pattern[] = "/tmp/spawnq-count.XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  DaemonProcess daemon(h.db.url(), test_config(handler_with_env("counted", "concurrency.sh", "COUNT_DIR: '" + dir + "'"),
                                               "default: { max_workers: 3 }"));
  std::vector<JobId> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(h.add("counted"));
  for (JobId id : ids) REQUIRE(h.reaches(id, "done"));
  const auto [count, most] = copies_observed(dir);
  CHECK(count == 10);
  CHECK(most <= 3);
  CHECK(most == 3);  // and the limit was reached, so the check above means something
  std::filesystem::remove_all(dir);
}

TEST_CASE("daemon: a job whose attempts run out is dead") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config(handler_with_env("exit75", "exit_with.sh", "EXIT_CODE: '75'"),
                                               "default: { max_workers: 1 }",
                                               {{"default_max_attempts", "2"}, {"backoff", "[50ms]"}}));
  const JobId id = h.add("exit75");
  REQUIRE(h.reaches(id, "dead"));
  CHECK(h.field(id, "attempts") == "2");
  CHECK(h.field(id, "last_error") == "exited with code 75 (attempt 2 of 2, no attempts left)");
  CHECK(h.db.value("SELECT count(*) FROM spawnq.job_attempts WHERE job_id = " + std::to_string(id)) == "2");
}

TEST_CASE("daemon: an unknown job type and a malformed payload fail with a message") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config());
  const JobId unknown = h.add("no_such_type");
  const JobId bad_seconds = h.add("sleep", R"({"seconds": "soon"})");
  REQUIRE(h.reaches(unknown, "failed"));
  CHECK(h.field(unknown, "last_error") == "unknown job type 'no_such_type'");
  REQUIRE(h.reaches(bad_seconds, "failed"));
  CHECK(h.field(bad_seconds, "last_error") == "malformed payload: \"seconds\" must be a number ≥ 0");
  // A payload that is not an object no longer reaches a runner: the table
  // refuses it (tests/integration/door_test.cpp).
}

TEST_CASE("daemon: SIGTERM while a job runs lets it finish, then the daemon exits 0") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config("", "default: { max_workers: 1 }"));
  const JobId id = h.add("sleep", R"({"seconds": 1.5})");
  REQUIRE(h.reaches(id, "processing"));
  const JobId waiting = h.add("noop");
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit(10s) == 0);
  CHECK(h.status(id) == "done");
  CHECK(h.status(waiting) == "pending");  // nothing new is claimed while draining
  CHECK(h.db.value("SELECT count(*) FROM spawnq.workers") == "0");
  CHECK_THAT(daemon.log(), Contains("draining"));
}

TEST_CASE("daemon: a job still running after shutdown_timeout returns to retry_wait") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config("", "default: { max_workers: 1 }", {{"shutdown_timeout", "500ms"}}));
  const JobId id = h.add("sleep", R"({"seconds": 60})");
  REQUIRE(h.reaches(id, "processing"));
  daemon.signal(SIGTERM);
  daemon.signal(SIGTERM);  // a second SIGTERM does not skip the ladder
  REQUIRE(daemon.wait_exit(10s) == 0);
  CHECK(h.status(id) == "retry_wait");
  CHECK_THAT(h.field(id, "last_error"), Contains("interrupted by daemon shutdown"));
  CHECK(h.field(id, "available_at <= now()") == "t");
}

TEST_CASE("daemon: only fds 0-3 and no database credentials reach a job") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config(handler_with_env("dump", "env_dump.sh", "HANDLER_VAR: 'set'")),
                       {"work-all"}, {{"PGPASSWORD", "hunter2"}, {"SPAWNQ_SECRET", "x"}});
  const JobId sleeper = h.add("sleep", R"({"seconds": 3})");
  REQUIRE(h.reaches(sleeper, "processing"));
  std::optional<pid_t> pid;
  REQUIRE(wait_until([&] { return (pid = daemon.runner_pid(sleeper)).has_value(); }, 5s));
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(*pid) + "/fd")) {
    fds.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(fds.begin(), fds.end());
  CHECK(fds == std::vector<int>{0, 1, 2, 3});

  const JobId dump = h.add("dump", R"({"k": "v"})");
  REQUIRE(h.reaches(dump, "done"));
  const std::string output = h.attempt(dump, "output_tail");
  // The payload as its row holds it (jsonb's text), or as a runner re-dumps it where it execs the command.
  CHECK_THAT(output, Contains(R"(stdin: {"k": "v"})") || Contains(R"(stdin: {"k":"v"})"));
  CHECK_THAT(output, Contains("SPAWNQ_JOB_ID=" + std::to_string(dump)));
  CHECK_THAT(output, Contains("SPAWNQ_QUEUE=default"));
  CHECK_THAT(output, Contains("SPAWNQ_JOB_TYPE=dump"));
  CHECK_THAT(output, Contains("SPAWNQ_ATTEMPT=1"));
  CHECK_THAT(output, Contains("SPAWNQ_RESULT_FD=3"));
  CHECK_THAT(output, Contains("HANDLER_VAR=set"));
  CHECK(output.find("PGPASSWORD") == std::string::npos);
  CHECK(output.find("SPAWNQ_SECRET") == std::string::npos);
}

TEST_CASE("daemon: work QUEUE serves that queue only, with its overrides") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config(), {"work", "emails", "--max-workers=2", "--timeout=1s"});
  const JobId other = h.add("noop", "{}", "default");
  const JobId mine = h.add("sleep", R"({"seconds": 5})", "emails");
  REQUIRE(h.reaches(mine, "retry_wait"));
  CHECK(h.field(mine, "last_error") == "timed out after 1s");
  CHECK(h.status(other) == "pending");
  CHECK(h.db.value("SELECT queues::text FROM spawnq.workers") == "{emails}");
}

TEST_CASE("daemon: a dependent runs only after its dependency, and is cancelled when it fails") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config());
  const JobId first = h.add("sleep", R"({"seconds": 1})");
  EnqueueRequest after_first;
  after_first.job_type = "noop";
  after_first.after = {first};
  const JobId second = h.store.jobs().enqueue(after_first);
  REQUIRE(h.reaches(second, "done"));
  CHECK(h.db.value("SELECT b.started_at >= a.finished_at FROM spawnq.jobs a, spawnq.jobs b WHERE a.id = " +
                   std::to_string(first) + " AND b.id = " + std::to_string(second)) == "t");

  const JobId failing = h.add("fail", R"({"message": "boom"})");
  EnqueueRequest after_failing;
  after_failing.job_type = "noop";
  after_failing.after = {failing};
  const JobId doomed = h.store.jobs().enqueue(after_failing);
  REQUIRE(h.reaches(doomed, "cancelled"));
  CHECK(h.field(doomed, "last_error") == "dependency " + std::to_string(failing) + " ended failed");
  CHECK(h.field(doomed, "attempts") == "0");  // never ran
}

TEST_CASE("daemon: max_concurrency 1 never overlaps across two daemons, while other types still run") {
  Harness h;
  char pattern[] = "/tmp/spawnq-count.XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string handler = "  counted: { command: [\"" + fixture_handler("concurrency.sh") +
                              "\"], env: { COUNT_DIR: '" + dir + "' }, max_concurrency: 1 }\n";
  const std::string config = test_config(handler, "default: { max_workers: 3 }");
  DaemonProcess one(h.db.url(), config);
  DaemonProcess two(h.db.url(), config);
  std::vector<JobId> counted;
  for (int i = 0; i < 5; ++i) counted.push_back(h.add("counted"));
  std::vector<JobId> others;
  for (int i = 0; i < 5; ++i) others.push_back(h.add("sleep", R"({"seconds": 0.1})"));
  for (JobId id : others) REQUIRE(h.reaches(id, "done", 5s));
  // The others were not held up behind the counted ones, which take 5 × 0.4 s.
  CHECK(h.status(counted.back()) != "done");
  for (JobId id : counted) REQUIRE(h.reaches(id, "done", 15s));
  const auto [count, most] = copies_observed(dir);
  CHECK(count == 5);
  CHECK(most == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("daemon: group_max_workers 2 never runs three of one group across two daemons, while other groups run") {
  Harness h;
  char pattern[] = "/tmp/spawnq-count.XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string handler = "  counted: { command: [\"" + fixture_handler("concurrency.sh") +
                              "\"], env: { COUNT_DIR: '" + dir + "' } }\n";
  const std::string config =
      test_config(handler, "default: { max_workers: 3, fair_by: group, group_max_workers: 2 }");
  DaemonProcess one(h.db.url(), config);
  DaemonProcess two(h.db.url(), config);
  h.db.value("SELECT count(spawnq.enqueue('counted', job_group => 'big')) FROM generate_series(1, 8)");
  h.db.value("SELECT count(spawnq.enqueue('sleep', '{\"seconds\": 0.1}', job_group => 'small'))"
             " FROM generate_series(1, 4)");
  REQUIRE(wait_until([&] {
    return h.db.value("SELECT count(*) FROM spawnq.jobs WHERE job_group = 'small' AND status = 'done'") == "4";
  }, 10s));
  // The small group was not held up behind the big one's 8 × 0.4 s at 2 at a time.
  CHECK(h.db.value("SELECT count(*) FROM spawnq.jobs WHERE job_group = 'big' AND status = 'done'") != "8");
  REQUIRE(wait_until([&] {
    return h.db.value("SELECT count(*) FROM spawnq.jobs WHERE job_group = 'big' AND status = 'done'") == "8";
  }, 20s));
  const auto [count, most] = copies_observed(dir);
  CHECK(count == 8);
  CHECK(most <= 2);
  CHECK(most >= 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("daemon: with fair_by group, 50 jobs of B enqueued behind 5,000 of A all start before A's 200th after them") {
  Harness h;
  DaemonProcess daemon(h.db.url(), test_config("", "default: { max_workers: 3, fair_by: group }"));
  h.db.value("SELECT count(*) FROM spawnq.enqueue_many((SELECT jsonb_agg(jsonb_build_object('job_type', 'noop',"
             " 'job_group', 'A')) FROM generate_series(1, 5000)))");
  h.db.value("SELECT count(*) FROM spawnq.enqueue_many((SELECT jsonb_agg(jsonb_build_object('job_type', 'noop',"
             " 'job_group', 'B')) FROM generate_series(1, 50)))");
  REQUIRE(wait_until([&] {
    return h.db.value("SELECT count(*) FROM spawnq.jobs WHERE job_group = 'B' AND status = 'done'") == "50";
  }, 60s));
  // Measured from the database: A's starts between B's first enqueue and B's last start.
  const std::string a_meanwhile = h.db.value(
      "SELECT count(*) FROM spawnq.jobs WHERE job_group = 'A'"
      "   AND started_at >= (SELECT min(created_at) FROM spawnq.jobs WHERE job_group = 'B')"
      "   AND started_at <= (SELECT max(started_at) FROM spawnq.jobs WHERE job_group = 'B')");
  INFO("A jobs started meanwhile: " << a_meanwhile);
  CHECK(std::stoi(a_meanwhile) < 200);
  CHECK(h.db.value("SELECT count(*) < 5000 FROM spawnq.jobs WHERE job_group = 'A' AND status = 'done'") == "t");
}

TEST_CASE("daemon: a rate limit holds across two daemons") {
  Harness h;
  const std::string config = test_config("  limited: { rate: { limit: 3, per: 1h } }\n", "default: { max_workers: 4 }");
  DaemonProcess one(h.db.url(), config);
  DaemonProcess two(h.db.url(), config);
  std::vector<JobId> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(h.add("limited"));
  REQUIRE(wait_until([&] { return h.db.value("SELECT count(*) FROM spawnq.jobs WHERE status <> 'pending'") == "3"; },
                     10s));
  // Both daemons claim again after this (each claim also stamps its
  // worker's heartbeat_at): the limit must still hold then.
  const std::string since = h.db.value("SELECT (now() + interval '500 ms')::text");
  REQUIRE(wait_until([&] {
    return h.db.value("SELECT count(*) FILTER (WHERE heartbeat_at > '" + since + "'::timestamptz) FROM spawnq.workers") == "2";
  }, 10s));
  CHECK(h.db.value("SELECT count(*) FROM spawnq.jobs WHERE started_at IS NOT NULL") == "3");
}
