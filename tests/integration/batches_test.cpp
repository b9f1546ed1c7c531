// Batches (sql/012_batches.sql): members join with `batch => id`, the batch
// counts them by status under its own row's lock, and once it is closed and
// every member is terminal its callbacks are enqueued exactly once. These
// tests drive the members' statuses by hand; tests/faults/batch_test.cpp runs
// them through daemons.
#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>

#include "support/cli_database.hpp"
#include "support/sql_refusal.hpp"
#include "support/test_database.hpp"

using namespace spawnq::test;
using Catch::Matchers::Contains;

namespace {

std::string open_batch(TestDatabase& db, const std::string& args = "on_complete => 'report'") {
  return db.value("SELECT spawnq.batch_open(" + args + ")");
}

std::string add_member(TestDatabase& db, const std::string& batch, const std::string& job_type = "part") {
  return db.value("SELECT spawnq.enqueue('" + job_type + "', batch => " + batch + ")");
}

std::string counts(TestDatabase& db, const std::string& batch) {
  return db.value("SELECT concat_ws(' ', total, done, failed, dead, cancelled) FROM spawnq.batches WHERE id = " +
                  batch);
}

std::string callbacks(TestDatabase& db, const std::string& job_type) {
  return db.value("SELECT count(*) FROM spawnq.jobs WHERE job_type = '" + job_type + "'");
}

}  // namespace

TEST_CASE("batches: on_complete fires once, after the close, with the counts and the batch's payload") {
  TestDatabase db;
  const std::string batch =
      open_batch(db, "on_complete => 'report', on_success => 'celebrate', payload => '{\"report\": 7}'");
  const std::string a = add_member(db, batch);
  const std::string b = add_member(db, batch);
  db.sql("SELECT spawnq.enqueue_many('[{\"job_type\": \"part\"}, {\"job_type\": \"part\"}]', batch => " + batch + ")");
  CHECK(counts(db, batch) == "4 0 0 0 0");

  // Every member finished before the close: nothing fires while it fills.
  db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE batch_id = " + batch + " AND id <> " + b);
  db.sql("UPDATE spawnq.jobs SET status = 'failed' WHERE id = " + b);
  CHECK(counts(db, batch) == "4 3 1 0 0");
  CHECK(callbacks(db, "report") == "0");

  db.sql("SELECT spawnq.batch_close(" + batch + ")");
  CHECK(callbacks(db, "report") == "1");
  CHECK(callbacks(db, "celebrate") == "0");  // one member failed
  CHECK(db.value("SELECT payload::text FROM spawnq.jobs WHERE job_type = 'report'") ==
        "{\"dead\": 0, \"done\": 3, \"total\": 4, \"failed\": 1, \"payload\": {\"report\": 7}, \"batch_id\": " + batch +
            ", \"cancelled\": 0}");
  CHECK(db.value("SELECT complete_job_id = (SELECT id FROM spawnq.jobs WHERE job_type = 'report') AND "
                 "completed_at IS NOT NULL FROM spawnq.batches WHERE id = " + batch) == "t");
  CHECK(db.value("SELECT batch_id IS NULL FROM spawnq.jobs WHERE job_type = 'report'") == "t");

  // A member retried by hand after the batch completed fires nothing again,
  // and the counts stay those the callback was given.
  db.sql("UPDATE spawnq.jobs SET status = 'pending' WHERE id = " + b);
  db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE id = " + b);
  CHECK(callbacks(db, "report") == "1");
  CHECK(callbacks(db, "celebrate") == "0");
  CHECK(counts(db, batch) == "4 3 1 0 0");
  (void)a;
}

TEST_CASE("batches: on_success fires only when every member is done, and a member leaving a terminal status is "
          "counted out") {
  TestDatabase db;
  const std::string batch = open_batch(db, "on_complete => 'report', on_success => 'celebrate'");
  const std::string a = add_member(db, batch);
  const std::string b = add_member(db, batch);
  db.sql("SELECT spawnq.batch_close(" + batch + ")");
  db.sql("UPDATE spawnq.jobs SET status = 'dead' WHERE id = " + a);
  CHECK(counts(db, batch) == "2 0 0 1 0");
  db.sql("UPDATE spawnq.jobs SET status = 'retry_wait' WHERE id = " + a);  // retried before the batch completed
  CHECK(counts(db, batch) == "2 0 0 0 0");
  db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE id IN (" + a + ", " + b + ")");
  CHECK(counts(db, batch) == "2 2 0 0 0");
  CHECK(callbacks(db, "report") == "1");
  CHECK(callbacks(db, "celebrate") == "1");
  CHECK(db.value("SELECT payload->>'done' FROM spawnq.jobs WHERE job_type = 'celebrate'") == "2");
}

TEST_CASE("batches: opened, filled and closed in one transaction, and an empty batch completes at its close") {
  TestDatabase db;
  auto conn = db.connect();
  {
    pqxx::work tx(*conn);
    const std::string batch = tx.exec("SELECT spawnq.batch_open(on_complete => 'report')")[0][0].c_str();
    tx.exec("SELECT spawnq.enqueue('part', batch => " + batch + ") FROM generate_series(1, 3)");
    tx.exec("SELECT spawnq.batch_close(" + batch + ")");
    tx.commit();
    CHECK(counts(db, batch) == "3 0 0 0 0");
    CHECK(callbacks(db, "report") == "0");
  }
  const std::string empty = open_batch(db);
  db.sql("SELECT spawnq.batch_close(" + empty + ")");
  CHECK(callbacks(db, "report") == "1");
  CHECK(db.value("SELECT payload->>'total' FROM spawnq.jobs WHERE job_type = 'report'") == "0");
}

TEST_CASE("batches: a close waits for members still on their way, so the batch counts them") {
  TestDatabase db;
  const std::string batch = open_batch(db);
  auto filler = db.connect();
  pqxx::work fill(*filler);
  fill.exec("SELECT spawnq.enqueue('part', batch => " + batch + ") FROM generate_series(1, 5)");

  // The close blocks behind the uncommitted members' lock on the batch row.
  auto closing = std::async(std::launch::async, [&] { return db.value("SELECT spawnq.batch_close(" + batch + ")"); });
  CHECK(closing.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  fill.commit();
  CHECK(closing.get() == "t");
  CHECK(counts(db, batch) == "5 0 0 0 0");
  CHECK(db.value("SELECT closed_at IS NOT NULL AND completed_at IS NULL FROM spawnq.batches WHERE id = " + batch) ==
        "t");
  db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE batch_id = " + batch);
  CHECK(callbacks(db, "report") == "1");
  CHECK(db.value("SELECT payload->>'done' FROM spawnq.jobs WHERE job_type = 'report'") == "5");
}

TEST_CASE("batches: the last two members finishing at once in two sessions fire the callback once") {
  TestDatabase db;
  const std::string batch = open_batch(db);
  const std::string a = add_member(db, batch);
  const std::string b = add_member(db, batch);
  db.sql("SELECT spawnq.batch_close(" + batch + ")");

  auto first = db.connect();
  pqxx::work one(*first);
  one.exec("UPDATE spawnq.jobs SET status = 'done' WHERE id = " + a);
  // The second session's update reaches the batch row while the first holds it.
  auto second = std::async(std::launch::async, [&] {
    auto conn = db.connect();
    pqxx::work two(*conn);
    two.exec("UPDATE spawnq.jobs SET status = 'failed' WHERE id = " + b);
    two.commit();
  });
  CHECK(second.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  one.commit();
  second.get();
  CHECK(callbacks(db, "report") == "1");
  CHECK(counts(db, batch) == "2 1 1 0 0");
}

TEST_CASE("batches: deleted members leave the batch, born-cancelled members count at once") {
  TestDatabase db;
  const std::string failed = db.value("SELECT spawnq.enqueue('x')");
  db.sql("UPDATE spawnq.jobs SET status = 'failed' WHERE id = " + failed);
  const std::string batch = open_batch(db);
  const std::string waiting = db.value("SELECT spawnq.enqueue('part', after => ARRAY[" + failed + "]::bigint[], "
                                       "batch => " + batch + ")");
  CHECK(db.status_of(std::stoll(waiting)) == "cancelled");
  const std::string pending = add_member(db, batch);
  CHECK(counts(db, batch) == "2 0 0 0 1");
  db.sql("SELECT spawnq.batch_close(" + batch + ")");
  CHECK(callbacks(db, "report") == "0");
  db.sql("DELETE FROM spawnq.jobs WHERE id = " + pending);
  CHECK(counts(db, batch) == "1 0 0 0 1");
  CHECK(callbacks(db, "report") == "1");
}

TEST_CASE("batches: refusals name the call, the batch and why") {
  TestDatabase db;
  const std::string batch = open_batch(db, "description => 'no callbacks'");
  db.sql("SELECT spawnq.batch_close(" + batch + ")");

  auto refused = refusal_of([&] { add_member(db, batch); });
  CHECK(refused.sqlstate == "22023");
  CHECK_THAT(refused.message, Contains("spawnq.enqueue: batch " + batch + " is closed"));
  refused = refusal_of([&] { db.sql("SELECT spawnq.enqueue_many('[{\"job_type\": \"a\"}]', batch => 987654)"); });
  CHECK(refused.message == "spawnq.enqueue_many: batch 987654 does not exist");
  refused = refusal_of([&] { db.sql("INSERT INTO spawnq.jobs (job_type, batch_id) VALUES ('a', " + batch + ")"); });
  CHECK_THAT(refused.message, Contains("batch " + batch + " is closed"));
  refused = refusal_of([&] { db.sql("SELECT spawnq.batch_close(987654)"); });
  CHECK(refused.message == "spawnq.batch_close: batch 987654 does not exist");
  refused = refusal_of([&] { db.sql("SELECT spawnq.batch_open(queue => 'no spaces')"); });
  CHECK_THAT(refused.message, Contains("spawnq.batch_open: queue must be 1-56 characters"));
  refused = refusal_of([&] { db.sql("SELECT spawnq.batch_open(payload => '[1]')"); });
  CHECK(refused.message == "spawnq.batch_open: payload must be a JSON object, got a JSON array");
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");
  CHECK(db.value("SELECT count(*) FROM spawnq.batches") == "1");
}

TEST_CASE("batches: the CLI opens, fills, closes, shows and lists them") {
  Cli cli;
  const auto opened = cli.run({"batch", "open", "--on-complete=report", "--description=nightly import",
                               "--payload={\"day\": \"2026-12-02\"}"});
  REQUIRE(opened.exit_code == 0);
  const std::string batch = opened.out.substr(0, opened.out.find('\n'));
  for (int i = 0; i < 3; ++i) REQUIRE(cli.run({"enqueue", "part", "--batch=" + batch}).exit_code == 0);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE batch_id = " + batch);

  const auto closed = cli.run({"batch", "close", batch});
  CHECK(closed.exit_code == 0);
  CHECK(closed.out == "batch " + batch + " closed: 3 jobs, 3 finished; complete, callbacks enqueued\n");
  CHECK(cli.run({"batch", "close", batch}).out == "batch " + batch + " was already closed: 3 jobs, 3 finished; "
                                                  "complete, callbacks enqueued\n");

  const auto shown = cli.run({"batch", "show", batch, "--json"});
  REQUIRE(shown.exit_code == 0);
  const auto json = nlohmann::json::parse(shown.out);
  CHECK(json["state"] == "complete");
  CHECK(json["total"] == 3);
  CHECK(json["done"] == 3);
  CHECK(json["description"] == "nightly import");
  CHECK(json["payload"]["day"] == "2026-12-02");
  CHECK(json["complete_job_id"].is_number());
  CHECK_THAT(cli.run({"batch", "show", batch}).out, Contains("finished:      3/3 (done 3, failed 0"));

  const auto listed = cli.run({"batches", "--json"});
  CHECK(nlohmann::json::parse(listed.out)["batches"][0]["id"] == std::stoll(batch));
  CHECK_THAT(cli.run({"batches"}).out, Contains("nightly import"));
  const auto members = cli.run({"jobs", "--batch=" + batch, "--json"});
  CHECK(nlohmann::json::parse(members.out)["jobs"].size() == 3);

  check_one_line_error(cli.run({"enqueue", "part", "--batch=" + batch}), 2,
                       "spawnq.enqueue: batch " + batch + " is closed");
  check_one_line_error(cli.run({"batch", "close", "987654"}), 2, "spawnq.batch_close: batch 987654 does not exist");
  check_one_line_error(cli.run({"batch", "show", "987654"}), 1, "batch 987654 not found");
  check_one_line_error(cli.run({"batch", "open", "--payload=[1]"}), 2, "--payload: must be a JSON object");
  check_one_line_error(cli.run({"jobs", "--batch=x"}), 2, "--batch");
}
