// The door of the schema (sql/008_door.sql): every argument of spawnq.enqueue
// is checked before anything is written, and refused with SQLSTATE 22023, one
// line that names what is wrong, and a HINT; the table itself takes only JSON
// objects as payloads, and the migration that says so copes with old rows.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "common/migrations.hpp"
#include "common/schema_migrator.hpp"
#include "support/sql_refusal.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

SqlRefusal refusal_of(TestDatabase& db, const std::string& sql) {
  return spawnq::test::refusal_of([&] { db.sql(sql); });
}

}  // namespace

TEST_CASE("door: every bad argument of spawnq.enqueue is refused with 22023, what is wrong, and a hint") {
  TestDatabase db;
  const std::pair<const char*, const char*> cases[] = {
      {"SELECT spawnq.enqueue('x', priority => 0)", "spawnq.enqueue: priority must be between 1 and 10, got 0"},
      {"SELECT spawnq.enqueue('x', priority => 11)", "spawnq.enqueue: priority must be between 1 and 10, got 11"},
      {"SELECT spawnq.enqueue('')", "spawnq.enqueue: job_type must be a non-empty name, got ''"},
      {"SELECT spawnq.enqueue(NULL)", "spawnq.enqueue: job_type must be a non-empty name, got NULL"},
      {"SELECT spawnq.enqueue('x', queue => 'no spaces')",
       "spawnq.enqueue: queue must be 1-56 characters of A-Z a-z 0-9 _ . -, got 'no spaces'"},
      {"SELECT spawnq.enqueue('x', max_attempts => 0)", "spawnq.enqueue: max_attempts must be ≥ 1, got 0"},
      {"SELECT spawnq.enqueue('x', run_at => 'infinity')",
       "spawnq.enqueue: run_at must be a finite time, got infinity"},
      {"SELECT spawnq.enqueue('x', payload => '[1,2]')",
       "spawnq.enqueue: payload must be a JSON object, got a JSON array"},
      {"SELECT spawnq.enqueue('x', payload => '\"str\"')",
       "spawnq.enqueue: payload must be a JSON object, got a JSON string"},
      {"SELECT spawnq.enqueue('x', after => ARRAY[987654]::bigint[])",
       "spawnq.enqueue: after names job 987654, which does not exist"},
  };
  for (const auto& [sql, message] : cases) {
    INFO(sql);
    const SqlRefusal r = refusal_of(db, sql);
    CHECK(r.sqlstate == "22023");
    CHECK(r.message == message);
    CHECK_THAT(r.full, Contains("HINT:  "));
  }
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");
  // And a good call still goes through, named arguments and all.
  CHECK_FALSE(db.value("SELECT spawnq.enqueue('x', payload => '{}', queue => 'q.1', priority => 10)").empty());
}

TEST_CASE("door: the table itself refuses a payload that is not a JSON object") {
  TestDatabase db;
  const SqlRefusal r = refusal_of(db, "INSERT INTO spawnq.jobs (job_type, payload) VALUES ('x', '[1]')");
  CHECK(r.sqlstate == "23514");
  CHECK_THAT(r.message, Contains("jobs_payload_is_object"));
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "0");
}

TEST_CASE("door: the migration turns old non-object payloads into objects before it forbids them") {
  TestDatabase db(TestDatabase::Schema::empty);
  const std::vector<Migration>& all = embedded_migrations();
  std::vector<Migration> before_door;
  for (const Migration& m : all) {
    if (migration_version(m.name) < 8) before_door.push_back(m);
  }
  auto conn = db.connect();
  migrate_schema(*conn, before_door);
  db.sql("INSERT INTO spawnq.jobs (job_type, payload) VALUES ('a', '[1,2]'), ('b', '\"s\"'), ('c', '{\"k\": 1}')");
  const MigrationReport report = migrate_schema(*conn, all);
  REQUIRE(report.applied.size() == all.size() - before_door.size());
  CHECK(db.value("SELECT string_agg(payload::text, ' ' ORDER BY job_type) FROM spawnq.jobs") ==
        R"({"value": [1, 2]} {"value": "s"} {"k": 1})");
}
