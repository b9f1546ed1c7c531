// The admin commands that find jobs and act on them — `jobs`, `retry`,
// `delete`, and `retry-failed` and `cancel` with filters — through the real
// `spawnq` binary: what they print, their exit codes, and what they changed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_database.hpp"

using namespace spawnq::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("cli: jobs finds jobs by queue, status, type, error and age, newest first, a page at a time") {
  Cli cli;
  const auto id = [&](const std::string& sql) { return cli.db.value(sql); };
  const std::string old = id("SELECT spawnq.enqueue('a', queue => 'imports')");
  cli.db.sql("UPDATE spawnq.jobs SET created_at = now() - interval '2 hours' WHERE id = " + old);
  const std::string done = id("SELECT spawnq.enqueue('a', queue => 'emails')");
  const std::string failed = id("SELECT spawnq.enqueue('b', queue => 'emails')");
  const std::string dead = id("SELECT spawnq.enqueue('c', queue => 'imports')");
  const std::string pending = id("SELECT spawnq.enqueue('c', queue => 'imports')");
  cli.db.sql("UPDATE spawnq.jobs SET status = 'done', attempts = 1, max_attempts = 5 WHERE id = " + done);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'failed', attempts = 2, max_attempts = 5,"
             " last_error = E'SMTP timeout after 30s\\n  at send()' WHERE id = " + failed);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'dead', attempts = 5, max_attempts = 5, last_error = 'disk full'"
             " WHERE id = " + dead);

  const auto ids_of = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "jobs");
    args.push_back("--json");
    const CliResult r = cli.run(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    std::string ids;
    for (const auto& job : doc["jobs"]) ids += (ids.empty() ? "" : " ") + std::to_string(job["id"].get<long long>());
    return ids + (doc["next_before_id"].is_null() ? "" : " | " + std::to_string(doc["next_before_id"].get<long long>()));
  };
  CHECK(ids_of({}) == pending + " " + dead + " " + failed + " " + done + " " + old);
  CHECK(ids_of({"--queue=emails", "--status=failed,dead"}) == failed);
  CHECK(ids_of({"--status=failed,dead"}) == dead + " " + failed);
  CHECK(ids_of({"--type=a"}) == done + " " + old);
  CHECK(ids_of({"--error=smtp"}) == failed);
  CHECK(ids_of({"--since=1h"}) == pending + " " + dead + " " + failed + " " + done);
  CHECK(ids_of({"--since=2999-01-01"}).empty());
  // Pages by id: each ends where the next begins, and the last says there is no more.
  CHECK(ids_of({"--limit=2"}) == pending + " " + dead + " | " + dead);
  CHECK(ids_of({"--limit=2", "--before-id=" + dead}) == failed + " " + done + " | " + done);
  CHECK(ids_of({"--limit=2", "--before-id=" + done}) == old);

  const CliResult json = cli.run({"jobs", "--status=failed", "--json"});
  const auto job = nlohmann::json::parse(json.out)["jobs"][0];
  CHECK(job["queue"] == "emails");
  CHECK(job["job_type"] == "b");
  CHECK(job["status"] == "failed");
  CHECK(job["attempts"] == 2);
  CHECK(job["max_attempts"] == 5);
  CHECK(job["error"] == "SMTP timeout after 30s");
  CHECK(job["age_s"].get<double>() < 60);
  CHECK_THAT(job["created_at"].get<std::string>(), Catch::Matchers::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));

  const CliResult table = cli.run({"jobs", "--queue=emails", "--limit=1"});
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, StartsWith("ID "));
  CHECK_THAT(table.out, Contains(failed + " ") && Contains("emails") && Contains("failed") && Contains("2/5") &&
                            Contains("SMTP timeout after 30s\n") && Contains("more: --before-id=" + failed + "\n"));
  CHECK_THAT(table.out, !Contains("at send()"));
}

TEST_CASE("cli: jobs refuses a bad filter with one line and exit 2") {
  Cli cli;
  check_one_line_error(cli.run({"jobs", "--status=running"}), 2, "--status");
  check_one_line_error(cli.run({"jobs", "--since=yesterday"}), 2,
                       "--since: not a duration such as 1h or a timestamp such as 2026-11-23T10:00:00Z, got 'yesterday'");
  check_one_line_error(cli.run({"jobs", "--limit=0"}), 2, "--limit: must be ≥ 1, got 0");
  check_one_line_error(cli.run({"jobs", "--limit=10001"}), 2, "--limit: must be ≤ 10000, got 10001");
  check_one_line_error(cli.run({"jobs", "--before-id=0"}), 2, "--before-id: must be ≥ 1, got 0");
}

TEST_CASE("cli: retry puts these jobs back and says why not for each it cannot") {
  Cli cli;
  const auto enqueue = [&](const std::string& args) { return cli.db.value("SELECT spawnq.enqueue(" + args + ")"); };
  const std::string failed = enqueue("'a'");
  const std::string cancelled = enqueue("'a'");
  const std::string waiting = enqueue("'a'");
  const std::string running = enqueue("'a'");
  const std::string old_ref = enqueue("'a', reference => 'r'");
  cli.db.sql("UPDATE spawnq.jobs SET status = 'failed', attempts = 3, finished_at = now() WHERE id IN (" + failed +
             ", " + old_ref + ")");
  cli.db.sql("UPDATE spawnq.jobs SET status = 'cancelled', finished_at = now() WHERE id = " + cancelled);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'retry_wait', attempts = 2, available_at = now() + interval '1 day'"
             " WHERE id = " + waiting);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1 WHERE id = " + running);
  const std::string holder = enqueue("'a', reference => 'r'");

  const CliResult r = cli.run({"retry", failed, cancelled, waiting, running, old_ref, "987654", failed});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "job " + failed + " re-queued\njob " + cancelled + " re-queued\njob " + waiting + " re-queued\n" +
                     "job " + running + " not re-queued: it is processing\njob " + old_ref + " not re-queued: job " +
                     holder + " holds its reference now\njob 987654 not re-queued: no such job\n");
  CHECK(r.err == "spawnq: 3 of 6 jobs not re-queued\n");
  CHECK(cli.db.value("SELECT string_agg(status || ':' || attempts, ' ' ORDER BY id) FROM spawnq.jobs") ==
        "pending:0 pending:0 pending:2 processing:1 failed:3 pending:0");
  CHECK(cli.db.value("SELECT available_at <= now() FROM spawnq.jobs WHERE id = " + waiting) == "t");

  const CliResult all_good = cli.run({"retry", old_ref});
  CHECK(all_good.exit_code == 1);  // the holder is still live
  cli.db.sql("UPDATE spawnq.jobs SET status = 'dead', finished_at = now() WHERE id = " + holder);
  const CliResult now_ok = cli.run({"retry", old_ref});
  CHECK(now_ok.exit_code == 0);
  CHECK(now_ok.out == "job " + old_ref + " re-queued\n");
  check_one_line_error(cli.run({"retry", "0"}), 2, "ID: must be ≥ 1, got 0");
}

TEST_CASE("cli: delete removes these jobs with their history, never a running one or one others wait for") {
  Cli cli;
  const std::string done = cli.db.value("SELECT spawnq.enqueue('a')");
  const std::string parent = cli.db.value("SELECT spawnq.enqueue('a')");
  const std::string child = cli.db.value("SELECT spawnq.enqueue('a', after => ARRAY[" + parent + "]::bigint[])");
  const std::string running = cli.db.value("SELECT spawnq.enqueue('a')");
  cli.db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + done);
  cli.db.sql("INSERT INTO spawnq.job_attempts (job_id, attempt, outcome) VALUES (" + done + ", 1, 'success')");
  cli.db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1 WHERE id = " + running);

  const CliResult r = cli.run({"delete", done, parent, running, child});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "job " + done + " deleted\njob " + parent +
                     " not deleted: 1 job waits for it (cancel it instead, which cancels them too)\njob " + running +
                     " not deleted: it is running (cancel it first)\njob " + child + " deleted\n");
  CHECK(r.err == "spawnq: 2 of 4 jobs not deleted\n");
  CHECK(cli.db.value("SELECT string_agg(id::text, ' ' ORDER BY id) FROM spawnq.jobs") == parent + " " + running);
  CHECK(cli.db.value("SELECT count(*) FROM spawnq.job_attempts") == "0");
  // Its only dependent gone, the parent may go too.
  const CliResult now_ok = cli.run({"delete", parent});
  CHECK(now_ok.exit_code == 0);
  CHECK(now_ok.out == "job " + parent + " deleted\n");
}

TEST_CASE("cli: cancel and retry-failed with filters act on what matches, up to --max") {
  Cli cli;
  const auto enqueue = [&](const std::string& type, const std::string& queue) {
    return cli.db.value("SELECT spawnq.enqueue('" + type + "', queue => '" + queue + "')");
  };
  std::vector<std::string> reports;
  for (int i = 0; i < 3; ++i) reports.push_back(enqueue("report", "imports"));
  const std::string resize = enqueue("resize", "imports");
  const std::string elsewhere = enqueue("report", "emails");
  const auto status = [&](const std::string& id) { return cli.db.status_of(std::stoll(id)); };

  check_one_line_error(cli.run({"cancel", "--queue=imports", "--type=report", "--max=2"}), 1,
                       "more than 2 jobs match, so none was changed");
  CHECK(status(reports[0]) == "pending");
  check_one_line_error(cli.run({"cancel"}), 2, "give a job ID, or filters");
  check_one_line_error(cli.run({"cancel", reports[0], "--queue=imports"}), 2, "not both");
  check_one_line_error(cli.run({"cancel", "--status=done"}), 2, "--status: 'done'");
  check_one_line_error(cli.run({"cancel", "--queue=imports", "--wait=1s"}), 2, "--wait");
  check_one_line_error(cli.run({"cancel", "--queue=imports", "--max=0"}), 2, "--max: must be ≥ 1");

  const CliResult cancelled = cli.run({"cancel", "--queue=imports", "--status=pending", "--type=report"});
  INFO("stderr: " << cancelled.err);
  CHECK(cancelled.exit_code == 0);
  CHECK(cancelled.out == "cancelled 3 jobs\n");
  for (const auto& id : reports) CHECK(status(id) == "cancelled");
  CHECK(status(resize) == "pending");
  CHECK(status(elsewhere) == "pending");
  CHECK(cli.run({"cancel", "--queue=imports", "--type=report"}).out == "cancelled 0 jobs\n");

  // A running job is its daemon's to stop: asked, not waited for.
  cli.db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1 WHERE id = " + resize);
  CHECK(cli.run({"cancel", "--queue=imports", "--status=processing"}).out ==
        "cancelled 0 jobs; asked the daemons to stop 1 running job\n");
  CHECK(cli.db.value("SELECT cancel_requested_at IS NOT NULL FROM spawnq.jobs WHERE id = " + resize) == "t");

  cli.db.sql("UPDATE spawnq.jobs SET status = 'dead', last_error = 'Disk full on /var' WHERE id IN (" +
             reports[0] + ", " + reports[1] + ")");
  check_one_line_error(cli.run({"retry-failed", "--max=1"}), 1, "raise --max");
  CHECK(cli.run({"retry-failed", "--error=disk FULL", "--limit=1", "--max=1"}).out == "re-queued 1 job\n");
  CHECK(status(reports[0]) == "pending");
  CHECK(status(reports[1]) == "dead");
  CHECK(cli.run({"retry-failed", "--queue=emails"}).out == "re-queued 0 jobs\n");
  CHECK(cli.run({"retry-failed", "--queue=imports", "--type=report"}).out == "re-queued 1 job\n");
  CHECK(status(reports[1]) == "pending");
}
