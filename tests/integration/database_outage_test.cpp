// The database goes away under a running daemon and comes back: jobs keep
// running and are reaped meanwhile, and every outcome is written afterwards.
#include <catch2/catch.hpp>

#include <pqxx/pqxx>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/private_cluster.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

std::string value(const std::string& url, const std::string& query) {
  pqxx::connection conn(url);
  pqxx::work w(conn);
  return w.exec1(query)[0].as<std::string>();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("daemon: PostgreSQL stopped while jobs run and started again loses no outcome") {
  PrivateCluster cluster;
  {
    pqxx::connection conn(cluster.url());
    JobStore store(conn);
    for (int i = 0; i < 3; ++i) enqueue(store, "sleep", R"({"seconds": 1.5})");
  }
  DaemonProcess daemon(cluster.url(),
                       "poll_interval: 200ms\nqueues:\n  default: { max_workers: 3 }\n");
  REQUIRE(wait_until([&] { return value(cluster.url(), "SELECT count(*) FROM spawnq.jobs WHERE status = 'processing'") == "3"; },
                     10s));
  cluster.stop();
  // The jobs finish while the database is down: the daemon must reap them and hold their outcomes.
  REQUIRE(wait_until([&] { return count(daemon.log(), "exited with code 0") == 3; }, 10s));
  CHECK(count(daemon.log(), "→ done") == 0);
  cluster.start();
  CHECK(wait_until([&] { return value(cluster.url(), "SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "3"; },
                   20s, 100ms));
  CHECK(value(cluster.url(), "SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'success'") == "3");
  // And it goes on working: a new job is claimed after the outage.
  {
    pqxx::connection conn(cluster.url());
    JobStore store(conn);
    EnqueueRequest request;
    request.job_type = "noop";
    store.jobs().enqueue(request);
  }
  CHECK(wait_until([&] { return value(cluster.url(), "SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "4"; },
                   10s));
  // Read only now: the outcomes above came back on their own connection, and the claims' connection may
  // have been waiting out its reconnect backoff when they did.
  const std::string log = daemon.log();
  CHECK(count(log, "database connection lost") + count(log, "database unreachable") == 1);
  CHECK(count(log, "database reachable again") == 1);
  // The outcome writes' own connection saw the outage too, and says so once each way.
  CHECK(count(log, "database (outcome writes) connection lost") +
            count(log, "database (outcome writes) unreachable") == 1);
  CHECK(count(log, "database (outcome writes) reachable again") == 1);
}
