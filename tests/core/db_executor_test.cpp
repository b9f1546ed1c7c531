// daemon/database/db_executor: a database outage under kept and failing work,
// and a COMMIT whose result is unknown.
#include "daemon/database/db_executor.hpp"

#include <catch2/catch.hpp>
#include <pqxx/except>

#include "support/private_cluster.hpp"
#include "support/run_loop.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

TEST_CASE("core: in an outage the executor fails claims fast and keeps outcomes until the database is back") {
  PrivateCluster cluster;
  boost::asio::io_context loop;
  DbExecutor db(loop, cluster.url());
  int reconnects = 0;
  db.on_reconnect([&] { ++reconnects; });
  db.start();
  bool first = false;
  db.post<bool>([](JobStore&) { return true; }, [&](bool) { first = true; }, [](std::exception_ptr) {},
                OnOutage::fail);
  REQUIRE(run_loop_until(loop, [&] { return first; }, 10s));
  CHECK(db.connected());

  cluster.stop();
  bool failed_fast = false;
  db.post<bool>([](JobStore& store) { return !store.admin().paused_queues().empty(); }, [](bool) {},
                [&](std::exception_ptr) { failed_fast = true; }, OnOutage::fail);
  REQUIRE(run_loop_until(loop, [&] { return failed_fast; }, 10s));
  bool kept = false;
  db.post<bool>([](JobStore& store) { return store.admin().set_queue_paused("kept", true); }, [&](bool) { kept = true; },
                [](std::exception_ptr) { FAIL("a kept task must not fail in an outage"); }, OnOutage::keep);
  CHECK_FALSE(run_loop_until(loop, [&] { return kept; }, 1s));
  CHECK_FALSE(db.connected());
  CHECK(db.queued() == 1);

  cluster.start();
  REQUIRE(run_loop_until(loop, [&] { return kept; }, 20s));
  CHECK(reconnects == 1);
  CHECK(db.queued() == 0);
  db.stop();
}

TEST_CASE("core: kept work whose COMMIT was lost runs again and its caller is told it was in doubt") {
  TestDatabase test;
  boost::asio::io_context loop;
  DbExecutor db(loop, test.url());
  db.start();
  int runs = 0;
  std::optional<bool> in_doubt;
  db.post_fenced<int>(
      [&](JobStore& store) {
        ++runs;
        store.admin().set_queue_paused("doubt", true);
        // As libpqxx reports a link that died during COMMIT.
        if (runs == 1) throw pqxx::in_doubt_error("connection lost during COMMIT");
        return runs;
      },
      [&](int, bool doubt) { in_doubt = doubt; }, [](std::exception_ptr) { FAIL("must not fail"); });
  REQUIRE(run_loop_until(loop, [&] { return in_doubt.has_value(); }, 15s));
  CHECK(runs == 2);
  CHECK(*in_doubt);
  bool plain_doubt = true;
  db.post_fenced<int>([](JobStore&) { return 0; }, [&](int, bool doubt) { plain_doubt = doubt; },
                      [](std::exception_ptr) {});
  REQUIRE(run_loop_until(loop, [&] { return !plain_doubt; }, 5s));
  db.stop();
}
