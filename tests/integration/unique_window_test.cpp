// Uniqueness over time (sql/012_batches.sql): with `unique_for`, a job of the
// same queue and reference created within the window answers an enqueue,
// whatever its status; concurrent enqueues of one reference add one job.
#include <catch2/catch.hpp>
#include <future>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "support/cli_database.hpp"
#include "support/sql_refusal.hpp"
#include "support/test_database.hpp"

using namespace spawnq::test;
using Catch::Matchers::Contains;

namespace {

const std::string kWebhook =
    "SELECT spawnq.enqueue('webhook', queue => 'hooks', reference => 'order-42-webhook', unique_for => '1 hour')";

}  // namespace

TEST_CASE("unique window: 20 concurrent producers of one reference add one job") {
  TestDatabase db;
  // Each producer holds its transaction open a moment after enqueueing, so
  // the others arrive while the first job is still uncommitted.
  std::vector<std::future<std::string>> producers;
  for (int i = 0; i < 20; ++i) {
    producers.push_back(std::async(std::launch::async, [&db] {
      auto conn = db.connect();
      pqxx::work tx(*conn);
      const std::string id = tx.exec(kWebhook)[0][0].c_str();
      tx.exec("SELECT pg_sleep(0.02)");
      tx.commit();
      return id;
    }));
  }
  std::set<std::string> ids;
  for (auto& p : producers) ids.insert(p.get());
  CHECK(ids.size() == 1);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "1");
}

TEST_CASE("unique window: a finished job answers within the window, a new one comes after it") {
  TestDatabase db;
  const std::string first = db.value(kWebhook);
  db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + first);
  CHECK(db.value(kWebhook) == first);
  // The same reference in another queue, or without unique_for (today's
  // rule: unique while live), is another job.
  CHECK(db.value("SELECT spawnq.enqueue('webhook', queue => 'other', reference => 'order-42-webhook', "
                 "unique_for => '1 hour')") != first);
  const std::string plain = db.value("SELECT spawnq.enqueue('webhook', queue => 'hooks', reference => "
                                     "'order-42-webhook')");
  CHECK(plain != first);
  CHECK(db.value(kWebhook) == plain);  // the newest within the window answers

  // An hour later (the rows are made older rather than the test waiting).
  db.sql("UPDATE spawnq.jobs SET status = 'done', created_at = created_at - interval '61 minutes'");
  const std::string later = db.value(kWebhook);
  CHECK(later != first);
  CHECK(later != plain);
  CHECK(db.value(kWebhook) == later);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs WHERE queue = 'hooks'") == "3");
}

TEST_CASE("unique window: refusals, and the CLI's --unique-for") {
  Cli cli;
  auto refused = refusal_of([&] { cli.db.sql("SELECT spawnq.enqueue('a', unique_for => '1 hour')"); });
  CHECK(refused.sqlstate == "22023");
  CHECK(refused.message == "spawnq.enqueue: unique_for needs a reference, got none");
  refused = refusal_of([&] { cli.db.sql("SELECT spawnq.enqueue('a', reference => 'r', unique_for => '-1 hour')"); });
  CHECK(refused.message == "spawnq.enqueue: unique_for must be a positive interval, got -01:00:00");
  refused = refusal_of([&] {
    auto conn = cli.db.connect();
    pqxx::work tx(*conn);
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    tx.exec("SELECT spawnq.enqueue('a', reference => 'r', unique_for => '1 hour')");
  });
  CHECK_THAT(refused.message, Contains("unique_for needs a READ COMMITTED or SERIALIZABLE transaction"));
  CHECK(cli.jobs() == "0");

  const auto first = cli.run({"enqueue", "webhook", "--reference=order-7", "--unique-for=1h"});
  REQUIRE(first.exit_code == 0);
  cli.db.sql("UPDATE spawnq.jobs SET status = 'done'");
  const auto again = cli.run({"enqueue", "webhook", "--reference=order-7", "--unique-for=1h"});
  CHECK(again.out == first.out);
  check_one_line_error(cli.run({"enqueue", "webhook", "--unique-for=1h"}), 2, "--unique-for: needs --reference");
  check_one_line_error(cli.run({"enqueue", "webhook", "--reference=r", "--unique-for=0"}), 2, "--unique-for");
  check_one_line_error(cli.run({"enqueue", "webhook", "--reference=r", "--unique-for=soon"}), 2, "--unique-for");
  CHECK(cli.jobs() == "1");
}
