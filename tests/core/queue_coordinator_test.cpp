// daemon/supervisor/queue_coordinator against the test database with real
// job-runners: claim → spawn → record, and a job the database never sees twice.
#include "daemon/supervisor/queue_coordinator.hpp"

#include <catch2/catch.hpp>

#include "common/envelope.hpp"
#include "daemon/maintenance/worker_identity.hpp"
#include "support/enqueue.hpp"
#include "support/run_loop.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

struct Coordinated {
  TestDatabase db;
  std::unique_ptr<pqxx::connection> conn = db.connect();
  JobStore store{*conn};
  Config config;
  Metrics metrics{"test"};
  std::vector<std::string> environment{"PATH=/usr/bin:/bin"};
  boost::asio::io_context loop;
  DbExecutor executor{loop, db.url()};
  OutcomeWriter outcomes{executor};
  std::unique_ptr<QueueCoordinator> queue;

  explicit Coordinated(int max_workers) {
    config.poll_interval = std::chrono::milliseconds(100);
    QueueConfig settings = config.settings_for("default");
    settings.max_workers = max_workers;
    queue = std::make_unique<QueueCoordinator>(
        loop, executor, outcomes,
        QueueCoordinator::Settings{settings, &config, JOB_RUNNER_BIN, &environment, &metrics, nullptr});
    executor.start();
    queue->start(store.workers().register_worker(this_worker(), {"default"}, "test"));
  }
  ~Coordinated() { executor.stop(); }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    return run_loop_until(loop, done, limit);
  }
  std::string status(JobId id) { return db.status_of(id); }
};

}  // namespace

TEST_CASE("core: the queue coordinator claims, runs and records every job, within max_workers") {
  Coordinated c(2);
  std::vector<JobId> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(enqueue(c.store, "sleep", R"({"seconds": 0.2})"));
  const JobId failing = enqueue(c.store, "fail", R"({"retryable": false})");
  std::size_t most_running = 0;
  REQUIRE(c.run_until(
      [&] {
        most_running = std::max(most_running, c.queue->running());
        return c.queue->idle() && c.db.value("SELECT count(*) FROM spawnq.jobs WHERE status IN "
                                             "('pending', 'processing')") == "0";
      },
      20s));
  CHECK(most_running == 2);
  for (JobId id : ids) CHECK(c.status(id) == "done");
  CHECK(c.status(failing) == "failed");
  // One attempt each, each closed, with the runner's pid.
  CHECK(c.db.value("SELECT count(*) FROM spawnq.job_attempts WHERE finished_at IS NOT NULL AND pid > 0") == "7");
  CHECK(c.db.value("SELECT max(attempts) FROM spawnq.jobs") == "1");
}

TEST_CASE("core: a cancelled running job is stopped by its queue coordinator and recorded cancelled") {
  Coordinated c(1);
  const JobId id = enqueue(c.store, "sleep", R"({"seconds": 30})");
  REQUIRE(c.run_until([&] { return c.queue->running() == 1; }, 10s));
  c.db.sql("UPDATE spawnq.jobs SET cancel_requested_at = now() WHERE id = " + std::to_string(id));
  CHECK(c.queue->cancel(id));
  CHECK_FALSE(c.queue->cancel(id + 1000));  // not ours
  REQUIRE(c.run_until([&] { return c.queue->idle() && c.status(id) == "cancelled"; }, 10s));
  CHECK(c.db.value("SELECT outcome FROM spawnq.job_attempts WHERE job_id = " + std::to_string(id)) == "cancelled");
}
