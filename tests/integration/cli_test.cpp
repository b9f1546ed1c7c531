// The admin commands through the real `spawnq` binary: output, exit codes of
// docs/SPEC.md §1.1, one-line errors, and nothing written on bad input.
#include <catch2/catch.hpp>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "common/migrations.hpp"
#include "support/cli_database.hpp"
#include "support/cli_runner.hpp"
#include "support/test_database.hpp"

using namespace spawnq::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("cli: --version and --help exit 0") {
  const CliResult version = run_spawnq({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Contains("0."));
  const CliResult help = run_spawnq({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("requeue-stuck"));
}

TEST_CASE("cli: migrate applies the schema once, also when run concurrently") {
  Cli cli(TestDatabase::Schema::empty);
  const auto& migrations = spawnq::embedded_migrations();
  REQUIRE(migrations.size() >= 3);
  const std::string version = std::to_string(migrations.size());
  std::vector<std::future<CliResult>> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(std::async(std::launch::async, [&cli] { return cli.run({"migrate"}); }));
  }
  // Each migration takes the lock by itself, so the runs may share the work:
  // between them, each migration is applied exactly once.
  std::string outputs;
  for (auto& run : runs) {
    const CliResult r = run.get();
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("schema is at version " + version));
    outputs += r.out;
  }
  for (const auto& migration : migrations) {
    const std::string line = "applied " + std::string(migration.name) + "\n";
    const auto first = outputs.find(line);
    INFO(outputs);
    CHECK(first != std::string::npos);
    CHECK(outputs.find(line, first + 1) == std::string::npos);
  }
  const CliResult again = cli.run({"migrate"});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "schema is at version " + version + " (up to date)\n");
  CHECK(cli.db.value("SELECT count(*) FROM spawnq.schema_migrations") == version);
}

TEST_CASE("cli: enqueue prints the new id alone and stores every flag") {
  Cli cli;
  const CliResult r = cli.run({"enqueue", "send_email", "--queue=emails", R"(--payload={"to":"a@b"})",
                               "--priority=9", "--max-attempts=3", "--reference=order-1",
                               "--group=batch", "--delay=1h"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string id = r.out.substr(0, r.out.size() - 1);
  CHECK(r.out == id + "\n");
  CHECK(cli.db.value("SELECT concat_ws(' ', queue, job_type, payload->>'to', priority, max_attempts, "
                     "reference, job_group, available_at > now() + interval '59 minutes') "
                     "FROM spawnq.jobs WHERE id = " + id) ==
        "emails send_email a@b 9 3 order-1 batch t");
  // The same live reference gives back the same job.
  CHECK(cli.run({"enqueue", "send_email", "--queue=emails", "--reference=order-1"}).out == id + "\n");
  CHECK(cli.jobs() == "1");
}

TEST_CASE("cli: the payload may come from a file or stdin, and --at sets the time") {
  Cli cli;
  const std::string file = write_file("payload.json", R"({"from": "file"})");
  const CliResult from_file = cli.run({"enqueue", "x", "--payload=@" + file});
  std::remove(file.c_str());
  REQUIRE(from_file.exit_code == 0);
  const CliResult from_stdin = cli.run({"enqueue", "x", "--payload=-", "--at=2100-01-01T12:00:00Z"},
                                       R"({"from": "stdin"})");
  REQUIRE(from_stdin.exit_code == 0);
  CHECK(cli.db.value("SELECT string_agg(payload->>'from', ',' ORDER BY id) FROM spawnq.jobs") ==
        "file,stdin");
  CHECK(cli.db.value("SELECT available_at = '2100-01-01 12:00:00+00' FROM spawnq.jobs WHERE id = " +
                     from_stdin.out.substr(0, from_stdin.out.size() - 1)) == "t");
}

TEST_CASE("cli: bad enqueue input exits 2 with one line and writes nothing") {
  Cli cli;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"enqueue", "x", "--payload={not json"}, "--payload: invalid JSON"},
      {{"enqueue", "x", "--payload=[1]"}, "--payload: must be a JSON object"},
      {{"enqueue", "x", "--payload=@/nonexistent.json"}, "--payload: cannot read /nonexistent.json"},
      {{"enqueue", "x", "--priority=11"}, "--priority: must be between 1 and 10, got 11"},
      {{"enqueue", "x", "--priority=0"}, "--priority: must be between 1 and 10, got 0"},
      {{"enqueue", "x", "--priority=high"}, "--priority"},
      {{"enqueue", "x", "--delay=-5"}, "--delay: must be a non-negative duration"},
      {{"enqueue", "x", "--at=yesterday"}, "--at: not a timestamp"},
      {{"enqueue", "x", "--at=2026-02-30T00:00:00Z"}, "--at: not a timestamp"},
      {{"enqueue", "x", "--delay=5", "--at=2100-01-01"}, "--delay excludes --at"},
      {{"enqueue", "x", "--queue=no spaces"}, "--queue"},
      {{"enqueue", "x", "--max-attempts=0"}, "--max-attempts"},
      {{"enqueue", "x", "--bogus"}, "--bogus"},
      {{"enqueue"}, "JOB_TYPE is required"},
      {{"enqueu", "x"}, "unknown command 'enqueu'"},
  };
  for (const auto& [args, message] : cases) {
    INFO(args.back());
    check_one_line_error(cli.run(args), 2, message);
  }
  CHECK(cli.jobs() == "0");
}

TEST_CASE("cli: an unreachable database exits 1 with one line naming it, password hidden") {
  const CliResult r = run_spawnq(
      {"--database-url", "host=/nonexistent-dir password=hunter2 dbname=x", "stats"});
  check_one_line_error(r, 1, "cannot connect to the database host=/nonexistent-dir password=***");
  CHECK(r.err.find("hunter2") == std::string::npos);
  // The environment variable is honoured too.
  const CliResult env = run_spawnq({"stats"}, "", {{"SPAWNQ_DATABASE_URL", "host=/nonexistent-dir"}});
  check_one_line_error(env, 1, "cannot connect to the database host=/nonexistent-dir");
}

TEST_CASE("cli: a URL naming several hosts without target_session_attrs=read-write exits 2 before connecting") {
  const std::string why = " names 2 hosts but not target_session_attrs=read-write (it has none): spawnq could "
                          "connect to a standby, where every write fails; add target_session_attrs=read-write";
  check_one_line_error(run_spawnq({"--database-url", "host=/nonexistent-a,/nonexistent-b dbname=x", "stats"}), 2,
                       "the database URL" + why);
  check_one_line_error(run_spawnq({"stats"}, "", {{"SPAWNQ_DATABASE_URL", "postgresql://a,b/x"}}), 2,
                       "the database URL" + why);
  const std::string path = write_file("hosts.yaml", "database:\n  session_url: host=a,b dbname=x\n");
  check_one_line_error(run_spawnq({"--config", path, "--database-url", "host=/nonexistent-dir", "stats"}), 2,
                       "database.session_url" + why);
  std::remove(path.c_str());
  // Asked for the writable host, the list is fine: the error is now the connection's.
  check_one_line_error(
      run_spawnq({"--database-url", "host=/nonexistent-a,/nonexistent-b target_session_attrs=read-write", "stats"}), 1,
      "cannot connect to the database");
}

TEST_CASE("cli: a database without the schema says to migrate") {
  Cli cli(TestDatabase::Schema::empty);
  check_one_line_error(cli.run({"stats"}), 1, "run `spawnq migrate`");
}

TEST_CASE("cli: config errors exit 2 naming file, line and key, before any write") {
  Cli cli;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"queues:\n  emails: { max_workerz: 3 }\n", ":2: queues.emails.max_workerz: unknown key"},
      {"poll_interval: [1]\n", ":1: poll_interval: must be a duration"},
      {"queues:\n  a: {}\n  a: {}\n", ":3: queues.a: appears twice"},
      {"queues:\n  a: { max_workers: 0 }\n", ":2: queues.a.max_workers: must be ≥ 1, got 0"},
      {"schedules:\n  s: { cron: \"* * * *\", job_type: noop }\n",
       ":2: schedules.s.cron: invalid cron expression: needs 5 fields"},
  };
  for (const auto& [yaml, message] : cases) {
    const std::string path = write_file("bad.yaml", yaml);
    INFO(yaml);
    check_one_line_error(cli.run({"--config", path, "enqueue", "noop"}), 2, path + message);
    check_one_line_error(run_spawnq({"check-config"}, "", {{"SPAWNQ_CONFIG", path}}), 2, message);
    std::remove(path.c_str());
  }
  check_one_line_error(cli.run({"--config", "/nonexistent/spawnq.yaml", "stats"}), 2,
                       "/nonexistent/spawnq.yaml: cannot read the config file");
  CHECK(cli.jobs() == "0");
}

TEST_CASE("cli: check-config prints the effective settings of the example config") {
  const CliResult r = run_spawnq({"--config", SPAWNQ_SOURCE_DIR "/config/spawnq.example.yaml",
                                  "check-config"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("emails: {max_workers: 4, timeout: 1m, max_attempts: 5"));
  CHECK_THAT(r.out, Contains("imports: {max_workers: 1, timeout: 30m, max_attempts: 3"));
  CHECK_THAT(r.out, Contains("examples/handlers/greet.sh"));
  const CliResult defaults = run_spawnq({"check-config"});
  CHECK(defaults.exit_code == 0);
  CHECK_THAT(defaults.out, Contains("built-in defaults"));
  CHECK_THAT(defaults.out, Contains("default: {max_workers: 1, timeout: 2m, max_attempts: 5"));
}

TEST_CASE("cli: stats lists configured queues and counts, in text and JSON") {
  Cli cli;
  cli.run({"enqueue", "a"});
  cli.run({"enqueue", "b"});
  cli.run({"enqueue", "c", "--queue=emails"});
  const std::string config = write_file("stats.yaml", "queues: [default, emails, idle]\n");
  const CliResult text = cli.run({"--config", config, "stats"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("idle"));
  const CliResult json = cli.run({"--config", config, "stats", "--json"});
  std::remove(config.c_str());
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["queues"].size() == 3);
  CHECK(doc["queues"][0]["queue"] == "default");
  CHECK(doc["queues"][0]["counts"]["pending"] == 2);
  CHECK(doc["queues"][0]["counts"]["done"] == 0);
  CHECK(doc["queues"][0]["oldest_pending_age_s"].is_number());
  CHECK(doc["queues"][1]["counts"]["pending"] == 1);
  CHECK(doc["queues"][2]["queue"] == "idle");
  CHECK(doc["queues"][2]["oldest_pending_age_s"].is_null());
  const CliResult one = cli.run({"stats", "--queue=emails", "--json"});
  CHECK(nlohmann::json::parse(one.out)["queues"].size() == 1);
}

TEST_CASE("cli: show prints one job with its attempts, and exits 1 for a missing one") {
  Cli cli;
  const CliResult added = cli.run({"enqueue", "noop", R"(--payload={"k":"v"})"});
  const std::string id = added.out.substr(0, added.out.size() - 1);
  const CliResult text = cli.run({"show", id});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("job_type:      noop"));
  CHECK_THAT(text.out, Contains("status:        pending"));
  const CliResult json = cli.run({"show", id, "--json"});
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["id"] == std::stoll(id));
  CHECK(doc["payload"]["k"] == "v");
  CHECK(doc["attempt_history"].is_array());
  check_one_line_error(cli.run({"show", "987654"}), 1, "job 987654 not found");
  check_one_line_error(cli.run({"show", "abc"}), 2, "ID");
}

TEST_CASE("cli: cancel, retry-failed, requeue-stuck and cleanup do their work and report it") {
  Cli cli;
  const auto id_of = [](const CliResult& r) { return r.out.substr(0, r.out.size() - 1); };
  const std::string waiting = id_of(cli.run({"enqueue", "a"}));
  const std::string failed = id_of(cli.run({"enqueue", "b"}));
  const std::string stuck = id_of(cli.run({"enqueue", "c"}));
  const std::string old = id_of(cli.run({"enqueue", "d"}));

  const CliResult cancelled = cli.run({"cancel", waiting});
  CHECK(cancelled.exit_code == 0);
  CHECK(cancelled.out == "job " + waiting + " cancelled\n");
  check_one_line_error(cli.run({"cancel", waiting}), 1, "is already cancelled");
  check_one_line_error(cli.run({"cancel", "999999"}), 1, "job 999999 not found");

  cli.db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now() WHERE id = " + failed);
  check_one_line_error(cli.run({"retry-failed", "--status=pending"}), 2, "--status: 'pending'");
  CHECK(cli.run({"retry-failed"}).out == "re-queued 1 job\n");
  CHECK(cli.db.value("SELECT status FROM spawnq.jobs WHERE id = " + failed) == "pending");

  cli.db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1, worker_id = 12345 "
             "WHERE id = " + stuck);
  check_one_line_error(cli.run({"cancel", stuck, "--wait=200ms"}), 1, "cancel requested, but job " + stuck +
                       " is still running on worker 12345");
  const CliResult requeued = cli.run({"requeue-stuck", "--timeout=1s"});
  CHECK(requeued.exit_code == 0);
  // It was asked to stop, and its daemon is gone: rescued as cancelled.
  CHECK(requeued.out == "queue=default job=" + stuck + " → cancelled\nrequeued 1 stuck job\n");
  check_one_line_error(cli.run({"requeue-stuck", "--timeout=soon"}), 2, "--timeout");

  cli.db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() - interval '40 days' "
             "WHERE id = " + old);
  check_one_line_error(cli.run({"cleanup", "--status=pending"}), 2, "--status: 'pending'");
  check_one_line_error(cli.run({"cleanup", "--days=-1"}), 2, "--days");
  CHECK(cli.run({"cleanup", "--days=30"}).out == "deleted 1 job\n");
  CHECK(cli.run({"cleanup"}).out == "deleted 0 jobs\n");
  CHECK(cli.jobs() == "3");
}

TEST_CASE("cli: schedules lists each schedule with its last and next run") {
  Cli cli;
  const std::string path = write_file("schedules.yaml", R"(queues: [default, imports]
schedules:
  nightly: { cron: "0 2 * * *", job_type: report, queue: imports }
  fresh:   { cron: "@hourly", job_type: noop }
)");
  const std::string job = cli.db.value("SELECT spawnq.enqueue('report', queue => 'imports')");
  cli.db.sql("INSERT INTO spawnq.schedules (name, last_tick, last_job_id)"
             " VALUES ('nightly', '2026-11-23T02:00:00Z', " + job + ")");

  const CliResult table = cli.run({"--config", path, "schedules"});
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, StartsWith("SCHEDULE "));
  CHECK_THAT(table.out, Contains("nightly"));
  CHECK_THAT(table.out, Contains("2026-11-23T02:00:00Z job " + job + " (pending)"));
  CHECK_THAT(table.out, Contains(":00:00Z"));  // next runs on the hour
  CHECK_THAT(table.out, Contains("never"));     // fresh has not fired

  const CliResult json = cli.run({"--config", path, "schedules", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["schedules"].size() == 2);
  CHECK(doc["schedules"][0]["name"] == "nightly");
  CHECK(doc["schedules"][0]["last_run"]["tick"] == "2026-11-23T02:00:00Z");
  CHECK(doc["schedules"][0]["last_run"]["job_id"] == std::stoll(job));
  CHECK(doc["schedules"][0]["last_run"]["status"] == "pending");
  CHECK(std::string(doc["schedules"][0]["next_run"]).substr(10) == "T02:00:00Z");
  CHECK(doc["schedules"][1]["last_run"].is_null());
  std::remove(path.c_str());
}

TEST_CASE("cli: enqueue --after makes the job wait, and an unknown id is exit 2 with nothing written") {
  Cli cli;
  const CliResult first = cli.run({"enqueue", "noop"});
  REQUIRE(first.exit_code == 0);
  const std::string a = first.out.substr(0, first.out.size() - 1);
  const CliResult second = cli.run({"enqueue", "noop", "--after=" + a});
  REQUIRE(second.exit_code == 0);
  const std::string b = second.out.substr(0, second.out.size() - 1);
  CHECK(cli.db.value("SELECT blocked_by || ' ' || depends_on::text FROM spawnq.jobs WHERE id = " + b) ==
        "1 {" + a + "}");
  check_one_line_error(cli.run({"enqueue", "noop", "--after=" + a + ",987654"}), 2,
                       "spawnq.enqueue: after names job 987654, which does not exist");
  check_one_line_error(cli.run({"enqueue", "noop", "--after=x"}), 2, "--after: 'x' is not a job id");
  CHECK(cli.jobs() == "2");
}
