// Daemons behind a real PgBouncer in pool_mode = transaction (docs/SPEC.md
// §2.2), with one server connection per database so that every client shares
// it: each scenario runs once with database.session_url (wake-ups by LISTEN on
// a direct connection) and once polling. Whatever session state a daemon left
// on the pooled connection — a prepared statement, a LISTEN, a session lock —
// breaks the other daemon at once, and check_no_session_state finds it.
#include <signal.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "fault_harness.hpp"
#include "support/cli_runner.hpp"
#include "support/test_database.hpp"
#include "support/transaction_pooler.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// One scenario's database, its pooler, and daemons that reach it through the pooler.
struct Pooled {
  bool listen;  // true: database.session_url given; false: poll-only
  TestDatabase db;
  TransactionPooler bouncer{1};
  std::string through = bouncer.url(db.name());
  FaultHarness h{db.url(), through};

  explicit Pooled(bool with_session_url) : listen(with_session_url) {}

  std::unique_ptr<DaemonProcess> daemon(const std::string& queues, std::map<std::string, std::string> settings = {}) {
    settings["database"] = listen ? "{ pooler: transaction, session_url: \"" + db.url() + "\" }"
                                  : "{ pooler: transaction }";
    return h.daemon(queues, settings);
  }
  // An admin command through the pooler, with the daemon's config.
  CliResult cli(const DaemonProcess& daemon, std::vector<std::string> args) const {
    args.insert(args.begin(), {"--config", daemon.folder() + "/spawnq.yaml", "--database-url", through});
    return run_spawnq(args);
  }
  bool workers(int count) {
    return wait_until([&] { return h.value("SELECT count(*) FROM spawnq.workers") == std::to_string(count); }, 10s);
  }
  const char* wakeups() const { return listen ? "wake-ups: LISTEN on database.session_url" : "wake-ups: polling every"; }
};

// What the shared server connection carries once the daemons are gone.
void check_no_session_state(const std::string& pooled_url) {
  pqxx::connection conn(pooled_url);
  pqxx::nontransaction n(conn);
  CHECK(n.exec1("SELECT count(*) FROM pg_prepared_statements")[0].as<int>() == 0);
  CHECK(n.exec1("SELECT count(*) FROM pg_listening_channels()")[0].as<int>() == 0);
  CHECK(n.exec1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0].as<int>() == 0);
  CHECK(n.exec1("SELECT count(*) FROM pg_class WHERE relpersistence = 't'")[0].as<int>() == 0);
}

}  // namespace

TEST_CASE("pooler: 500 jobs through two daemons behind PgBouncer, none claimed twice, no session state left") {
  Pooled p(GENERATE(true, false));
  // Slow heartbeats through a busy one-connection pool must not look like death here.
  const std::map<std::string, std::string> patient = {{"stuck_job_timeout", "30s"}};
  auto a = p.daemon("default: { max_workers: 4 }", patient);
  auto b = p.daemon("default: { max_workers: 4 }", patient);
  REQUIRE(p.workers(2));
  p.h.add_effects(500);
  REQUIRE(p.h.all_terminal(120s));
  CHECK(p.h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done' AND attempts = 1") == "500");
  CHECK(p.h.value("SELECT count(*) FROM spawnq.job_attempts") == "500");
  p.h.check_guarantees();
  CHECK_THAT(a->log(), Contains(p.wakeups()));
  CHECK_THAT(a->log() + b->log(), !Contains("cannot claim") && !Contains("cannot register"));
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  CHECK(a->wait_exit(10s) == 0);
  CHECK(b->wait_exit(10s) == 0);
  check_no_session_state(p.through);
}

TEST_CASE("pooler: pause, resume and cancel of a running job reach a daemon behind PgBouncer") {
  Pooled p(GENERATE(true, false));
  auto daemon = p.daemon("default: { max_workers: 2 }");
  const JobId running = p.h.add_effects(1, R"({"seconds": 30})").front();
  REQUIRE(wait_until([&] { return daemon->runner_pid(running).has_value(); }, 10s));
  REQUIRE(p.cli(*daemon, {"pause", "default"}).exit_code == 0);
  REQUIRE(wait_until([&] { return daemon->log().find("queue=default paused") != std::string::npos; }, 5s));
  const JobId waiting = p.h.add_effects(1).front();

  const CliResult cancelled = p.cli(*daemon, {"cancel", std::to_string(running), "--wait", "10s"});
  CHECK(cancelled.exit_code == 0);
  CHECK(p.h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(running)) == "cancelled");
  CHECK(p.h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(waiting)) == "pending");

  REQUIRE(p.cli(*daemon, {"resume", "default"}).exit_code == 0);
  CHECK(wait_until([&] { return p.h.value("SELECT status FROM spawnq.jobs WHERE id = " + std::to_string(waiting)) == "done"; },
                   10s));
  CHECK_THAT(daemon->log(), Contains(p.wakeups()));
  p.h.check_guarantees();
}

TEST_CASE("pooler: max_concurrency 1 never overlaps and a schedule fires once per tick, two daemons behind PgBouncer") {
  Pooled p(GENERATE(true, false));
  const std::map<std::string, std::string> settings = {
      {"handlers", "{ effect: { max_concurrency: 1 } }"},
      {"schedules", R"({ every1: { cron: "* * * * * *", job_type: effect } })"}};
  auto a = p.daemon("default: { max_workers: 3 }", settings);
  auto b = p.daemon("default: { max_workers: 3 }", settings);
  REQUIRE(p.workers(2));
  p.h.add_effects(6, R"({"seconds": 0.2})");
  REQUIRE(wait_until([&] { return std::stoi(p.h.value("SELECT count(*) FROM spawnq.jobs WHERE reference LIKE 'every1@%'")) >= 4; },
                     20s));
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  CHECK(a->wait_exit(10s) == 0);
  CHECK(b->wait_exit(10s) == 0);
  CHECK(p.h.value("SELECT count(*) = count(DISTINCT reference) FROM spawnq.jobs WHERE reference LIKE 'every1@%'") == "t");
  // Two attempts overlap when each started before the other finished.
  CHECK(p.h.value("SELECT count(*) FROM spawnq.job_attempts x JOIN spawnq.job_attempts y ON x.id < y.id "
                  "AND x.started_at < y.finished_at AND y.started_at < x.finished_at") == "0");
  CHECK(p.h.value("SELECT count(*) FROM spawnq.jobs WHERE reference IS NULL AND status = 'done'") == "6");
}

TEST_CASE("pooler: SIGKILL of one of two daemons behind PgBouncer, the survivor rescues its jobs") {
  Pooled p(GENERATE(true, false));
  auto doomed = p.daemon("default: { max_workers: 3 }");
  REQUIRE(p.workers(1));
  const auto ids = p.h.add_effects(3, R"({"seconds": 3})");
  for (JobId id : ids) REQUIRE(wait_until([&] { return doomed->runner_pid(id).has_value(); }, 10s));
  auto survivor = p.daemon("default: { max_workers: 3 }");
  REQUIRE(p.workers(2));
  doomed->signal(SIGKILL);
  REQUIRE(p.h.all_terminal(30s));
  CHECK(p.h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "3");
  CHECK(p.h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'lost'") == "3");
  CHECK_THAT(survivor->log(), Contains("rescued from silent worker"));
  p.h.check_guarantees();
}
