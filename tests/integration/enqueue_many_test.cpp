// Bulk enqueue (sql/009_enqueue_many.sql): spawnq.enqueue_many(jobs jsonb)
// takes an array of job objects, writes them with one INSERT and answers
// their ids in the order given; elements may wait for earlier elements by
// position, references behave as in enqueue(), and a bad element is refused
// with its position before anything is written.
#include <catch2/catch.hpp>
#include <future>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "support/sql_refusal.hpp"
#include "support/test_database.hpp"

using namespace spawnq::test;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> ids_of(TestDatabase& db, const std::string& jobs) {
  auto conn = db.connect();
  pqxx::work tx(*conn);
  const pqxx::result r = tx.exec_params("SELECT unnest(spawnq.enqueue_many($1::jsonb))", jobs);
  tx.commit();
  std::vector<std::string> ids;
  for (const auto& row : r) ids.push_back(row[0].c_str());
  return ids;
}

std::string row_of(TestDatabase& db, const std::string& id) {
  return db.value(
      "SELECT concat_ws(' ', queue, job_type, payload::text, priority, max_attempts, reference, "
      "job_group, status, "
      "blocked_by, depends_on::text, has_dependents, last_error) FROM spawnq.jobs WHERE id = " +
      id);
}

SqlRefusal refusal_of(TestDatabase& db, const std::string& jobs) {
  return spawnq::test::refusal_of([&] { ids_of(db, jobs); });
}

}  // namespace

TEST_CASE("enqueue_many: ids come back in the order given, each row as asked, defaults as enqueue's") {
  TestDatabase db;
  const auto ids = ids_of(db, R"([
      {"job_type": "a"},
      {"job_type": "b", "queue": "mail", "priority": 9, "payload": {"to": "x@y"}, "max_attempts": 3,
       "reference": "r-1", "job_group": "tenant-7", "run_at": "2030-01-01T00:00:00Z"},
      {"job_type": "c", "queue": null, "priority": null, "payload": null}])");
  REQUIRE(ids.size() == 3);
  CHECK(std::stoll(ids[0]) < std::stoll(ids[1]));
  CHECK(std::stoll(ids[1]) < std::stoll(ids[2]));
  CHECK(row_of(db, ids[0]) == "default a {} 5 pending 0 f");
  CHECK(row_of(db, ids[1]) == R"(mail b {"to": "x@y"} 9 3 r-1 tenant-7 pending 0 f)");
  CHECK(row_of(db, ids[2]) == "default c {} 5 pending 0 f");
  CHECK(db.value("SELECT available_at = '2030-01-01T00:00:00Z' FROM spawnq.jobs WHERE id = " + ids[1]) == "t");
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "3");
  CHECK(db.value("SELECT spawnq.enqueue_many('[]')") == "{}");
}

TEST_CASE(
    "enqueue_many: elements wait for earlier elements by position, and are released as enqueue's "
    "are") {
  TestDatabase db;
  const auto ids = ids_of(db, R"([
      {"job_type": "extract"},
      {"job_type": "transform", "after_index": [0]},
      {"job_type": "load", "after_index": [0, 1, 1]},
      {"job_type": "free"}])");
  REQUIRE(ids.size() == 4);
  CHECK(row_of(db, ids[0]) == "default extract {} 5 pending 0 t");
  CHECK(row_of(db, ids[1]) == "default transform {} 5 pending 1 {" + ids[0] + "} t");
  CHECK(row_of(db, ids[2]) == "default load {} 5 pending 2 {" + ids[0] + "," + ids[1] + "} f");
  CHECK(row_of(db, ids[3]) == "default free {} 5 pending 0 f");
  CHECK(db.value("SELECT count(*) FROM spawnq.job_dependencies") == "3");

  db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + ids[0]);
  CHECK(db.value("SELECT blocked_by FROM spawnq.jobs WHERE id = " + ids[1]) == "0");
  CHECK(db.value("SELECT blocked_by FROM spawnq.jobs WHERE id = " + ids[2]) == "1");
  db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now() WHERE id = " + ids[1]);
  CHECK(db.status_of(std::stoll(ids[2])) == "cancelled");
}

TEST_CASE("enqueue_many: waiting for a job that ended badly cancels the element and those after it") {
  TestDatabase db;
  const std::string failed = db.value("SELECT spawnq.enqueue('x')");
  const std::string done = db.value("SELECT spawnq.enqueue('x')");
  db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now() WHERE id = " + failed);
  db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + done);
  const auto ids = ids_of(db, R"([
      {"job_type": "a", "after": [)" +
                                  failed + R"(]},
      {"job_type": "b", "after_index": [0]},
      {"job_type": "c", "after": [)" +
                                  done + R"(]}])");
  REQUIRE(ids.size() == 3);
  CHECK(row_of(db, ids[0]) == "default a {} 5 cancelled 0 {" + failed + "} f dependency " + failed + " ended failed");
  CHECK(row_of(db, ids[1]) ==
        "default b {} 5 cancelled 0 {" + ids[0] + "} f dependency " + ids[0] + " ended cancelled");
  CHECK(row_of(db, ids[2]) == "default c {} 5 pending 0 {" + done + "} f");
  CHECK(db.value("SELECT count(*) FROM spawnq.job_dependencies") == "0");
}

TEST_CASE("enqueue_many: a reference names one live job, already there or earlier in the call") {
  TestDatabase db;
  const std::string live = db.value("SELECT spawnq.enqueue('x', reference => 'order-1')");
  const auto ids = ids_of(db, R"([
      {"job_type": "x", "reference": "order-1"},
      {"job_type": "x", "reference": "order-2"},
      {"job_type": "x", "reference": "order-2"},
      {"job_type": "x", "reference": "order-2", "queue": "other"},
      {"job_type": "y", "after_index": [0, 2]}])");
  REQUIRE(ids.size() == 5);
  CHECK(ids[0] == live);
  CHECK(ids[2] == ids[1]);
  CHECK(ids[3] != ids[1]);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "4");
  CHECK(row_of(db, ids[4]) == "default y {} 5 pending 2 {" + live + "," + ids[1] + "} f");
  CHECK(db.value("SELECT has_dependents FROM spawnq.jobs WHERE id = " + live) == "t");
}

TEST_CASE("enqueue_many: concurrent calls with the same reference add one job") {
  TestDatabase db;
  auto first = db.connect();
  pqxx::work holding(*first);
  const std::string held = holding
                               .exec1(
                                   "SELECT (spawnq.enqueue_many('[{\"job_type\": \"x\"}, "
                                   "{\"job_type\": \"x\", \"reference\": \"r\"}]'))[2]")[0]
                               .c_str();
  // The second call cannot see the first's uncommitted job: its insert waits
  // on the reference, finds it taken once the first commits, and looks again.
  auto second = std::async(std::launch::async, [&db] {
    return ids_of(db, R"([{"job_type": "x", "reference": "r"}, {"job_type": "y", "after_index": [0]}])");
  });
  CHECK(second.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);
  holding.commit();
  const auto ids = second.get();
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == held);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs WHERE reference = 'r'") == "1");
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "3");
  CHECK(row_of(db, ids[1]) == "default y {} 5 pending 1 {" + held + "} f");
}

TEST_CASE(
    "enqueue_many: a bad element is refused with its position, 22023 and a hint, and nothing is "
    "written") {
  TestDatabase db;
  const std::pair<const char*, const char*> cases[] = {
      {R"({"job_type": "x"})", "spawnq.enqueue_many: jobs must be a JSON array of job objects, got a JSON object"},
      {R"([{"job_type": "x"}, 7])", "spawnq.enqueue_many: jobs[1]: must be a JSON object, got a JSON number"},
      {R"([{"job_type": "x", "priorty": 3}])", "spawnq.enqueue_many: jobs[0]: unknown field 'priorty'"},
      {R"([{"queue": "q"}])", "spawnq.enqueue_many: jobs[0]: job_type must be a non-empty name, got NULL"},
      {R"([{"job_type": 5}])", "spawnq.enqueue_many: jobs[0]: job_type must be a string, got 5"},
      {R"([{"job_type": "x"}, {"job_type": "x", "priority": 0}])",
       "spawnq.enqueue_many: jobs[1]: priority must be between 1 and 10, got 0"},
      {R"([{"job_type": "x", "priority": "high"}])",
       "spawnq.enqueue_many: jobs[0]: priority must be an integer, got \"high\""},
      {R"([{"job_type": "x", "priority": 2.5}])", "spawnq.enqueue_many: jobs[0]: priority must be an integer, got 2.5"},
      {R"([{"job_type": "x", "queue": "no spaces"}])",
       "spawnq.enqueue_many: jobs[0]: queue must be 1-56 characters of A-Z a-z 0-9 _ . -, got 'no "
       "spaces'"},
      {R"([{"job_type": "x", "payload": [1, 2]}])",
       "spawnq.enqueue_many: jobs[0]: payload must be a JSON object, got a JSON array"},
      {R"([{"job_type": "x", "max_attempts": 0}])", "spawnq.enqueue_many: jobs[0]: max_attempts must be ≥ 1, got 0"},
      {R"([{"job_type": "x", "run_at": "tomorrow-ish"}])",
       "spawnq.enqueue_many: jobs[0]: run_at must be a time such as \"2026-12-01T09:30:00Z\", got "
       "\"tomorrow-ish\""},
      {R"([{"job_type": "x", "run_at": "infinity"}])",
       "spawnq.enqueue_many: jobs[0]: run_at must be a finite time, got infinity"},
      {R"([{"job_type": "x", "after": [987654]}])",
       "spawnq.enqueue_many: jobs[0]: after names job 987654, which does not exist"},
      {R"([{"job_type": "x", "after": 12}])",
       "spawnq.enqueue_many: jobs[0]: after must be an array of integers, got 12"},
      {R"([{"job_type": "x"}, {"job_type": "y", "after_index": [1]}])",
       "spawnq.enqueue_many: jobs[1]: after_index must name earlier elements (positions below 1), "
       "got 1"},
      {R"([{"job_type": "x", "after_index": [0]}])",
       "spawnq.enqueue_many: jobs[0]: after_index must name earlier elements (positions below 0), "
       "got 0"},
  };
  for (const auto& [jobs, message] : cases) {
    INFO(jobs);
    const SqlRefusal r = refusal_of(db, jobs);
    CHECK(r.sqlstate == "22023");
    CHECK(r.message == message);
    CHECK_THAT(r.full, Contains("HINT:  "));
  }
  CHECK_THROWS_WITH(db.sql("SELECT spawnq.enqueue_many(NULL)"),
                    Contains("spawnq.enqueue_many: jobs must be a JSON array of job objects, got NULL"));
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");
}

TEST_CASE("enqueue_many: the payload cap and a producer's rights hold for bulk inserts too") {
  TestDatabase db;
  db.sql("UPDATE spawnq.settings SET value = '40' WHERE name = 'max_payload_bytes'");
  const SqlRefusal big = refusal_of(
      db, R"([{"job_type": "x"}, {"job_type": "x", "payload": {"text": ")" + std::string(64, 'a') + R"("}}])");
  CHECK(big.sqlstate == "54000");
  CHECK_THAT(big.message, Contains("more than max_payload_bytes (40)"));
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");

  auto producer = db.connect();
  pqxx::work tx(*producer);
  tx.exec0("SET LOCAL ROLE spawnq_producer");
  CHECK(tx.exec1("SELECT cardinality(spawnq.enqueue_many('[{\"job_type\": \"x\"}, {\"job_type\": "
                 "\"y\"}]'))")[0]
            .as<int>() == 2);
  CHECK_THROWS_AS(tx.exec0("SELECT spawnq_internal.text_field('a', 'b', '1')"), pqxx::insufficient_privilege);
}

TEST_CASE("enqueue_many: one wake-up per queue, sent at commit") {
  TestDatabase db;
  auto listener = db.connect();
  struct Receiver : pqxx::notification_receiver {
    using pqxx::notification_receiver::notification_receiver;
    int received = 0;
    void operator()(const std::string&, int) override { ++received; }
  };
  Receiver mail(*listener, "spawnq:mail"), other(*listener, "spawnq:other");
  listener->get_notifs();
  ids_of(db, R"([{"job_type": "a", "queue": "mail"}, {"job_type": "b", "queue": "mail"},
                 {"job_type": "c", "queue": "other"}])");
  for (int i = 0; i < 50 && mail.received + other.received < 2; ++i) listener->await_notification(0, 100'000);
  listener->await_notification(0, 100'000);  // and no more than one each
  CHECK(mail.received == 1);
  CHECK(other.received == 1);
}
