// Database roles (issue 7): a producer may only enqueue; a daemon has what it
// needs and no more.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "support/cli_runner.hpp"
#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// A login role of this test's own, member of `group`, dropped afterwards.
struct LoginRole {
  TestDatabase& db;
  std::string name;
  LoginRole(TestDatabase& database, const std::string& group)
      : db(database), name("spawnq_test_" + group + "_" + std::to_string(::getpid())) {
    db.sql("DROP ROLE IF EXISTS " + name);
    db.sql("CREATE ROLE " + name + " LOGIN IN ROLE " + group);
  }
  ~LoginRole() {
    try {
      db.sql("DROP OWNED BY " + name);
      db.sql("DROP ROLE " + name);
    } catch (...) {
    }
  }
  // libpq takes the last of repeated keywords.
  std::string url() const { return db.url() + " user=" + name; }
};

std::string error_of(pqxx::connection& conn, const std::string& sql) {
  try {
    pqxx::nontransaction(conn).exec(sql);
  } catch (const pqxx::sql_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("roles: a producer can enqueue and cannot read or change spawnq.jobs") {
  TestDatabase db;
  LoginRole producer(db, "spawnq_producer");
  pqxx::connection conn(producer.url());
  const auto id = pqxx::nontransaction(conn).exec1(
      "SELECT spawnq.enqueue(job_type => 'send_email', payload => '{\"to\": \"a@b\"}', queue => 'emails')")[0];
  CHECK(db.value("SELECT job_type || ' ' || queue FROM spawnq.jobs WHERE id = " + id.as<std::string>()) ==
        "send_email emails");
  CHECK_THAT(error_of(conn, "SELECT * FROM spawnq.jobs"), Contains("permission denied"));
  CHECK_THAT(error_of(conn, "UPDATE spawnq.jobs SET status = 'done'"), Contains("permission denied"));
  CHECK_THAT(error_of(conn, "INSERT INTO spawnq.jobs (job_type) VALUES ('x')"), Contains("permission denied"));
  CHECK_THAT(error_of(conn, "DELETE FROM spawnq.job_attempts"), Contains("permission denied"));
  // Past the door's checks there is no way in.
  CHECK_THAT(error_of(conn, "SELECT spawnq_internal.enqueue('x', priority => 99)"), Contains("permission denied"));
  CHECK_THAT(error_of(conn, "SELECT spawnq.enqueue('x', payload => jsonb_build_object('blob', repeat('a', 2000000)))"),
             Contains("more than max_payload_bytes (1048576)"));
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "1");
}

TEST_CASE("roles: a daemon connected as spawnq_daemon runs jobs, schedules and pauses, and cannot change the schema") {
  TestDatabase db;
  LoginRole worker(db, "spawnq_daemon");
  DaemonProcess daemon(worker.url(),
                       "poll_interval: 200ms\nretention: { done: 1h }\nqueues: [default]\n"
                       "schedules:\n  tick: { cron: \"* * * * * *\", job_type: noop }\n");
  const std::string id = db.value("SELECT spawnq.enqueue('echo', payload => '{\"a\": 1}')");
  CHECK(wait_until([&] { return db.value("SELECT status FROM spawnq.jobs WHERE id = " + id) == "done"; }, 10s));
  CHECK(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.jobs WHERE reference LIKE 'tick@%'") != "0"; },
                   5s));
  CHECK(run_spawnq({"--database-url", worker.url(), "pause", "default"}).exit_code == 0);
  CHECK(wait_until([&] { return daemon.log().find("queue=default paused") != std::string::npos; }, 5s));
  CHECK(daemon.log().find("permission denied") == std::string::npos);
  // It really is connected as that role.
  CHECK(db.value("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
                 " WHERE datname = current_database() AND application_name LIKE 'spawnq%'") == worker.name);

  pqxx::connection conn(worker.url());
  CHECK_THAT(error_of(conn, "CREATE TABLE spawnq.mine (x int)"), Contains("permission denied"));
  CHECK_THAT(error_of(conn, "DROP TABLE spawnq.jobs"), Contains("must be owner"));
}
