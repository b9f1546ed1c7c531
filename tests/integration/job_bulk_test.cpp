// Bulk actions (common/job_bulk): the jobs a filter matches, capped, acted on
// with the same fences as one job.
#include "common/job_bulk.hpp"

#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "support/store_fixture.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;

namespace {

BulkRequest retry_of(std::vector<JobStatus> statuses, int max = kDefaultBulkMax) {
  BulkRequest request;
  request.action = BulkAction::retry;
  request.filter.statuses = std::move(statuses);
  request.max = max;
  return request;
}

std::vector<JobId> changed_ids(const BulkResult& result) {
  std::vector<JobId> ids;
  for (const JobActionResult& job : result.jobs) {
    if (job.changed) ids.push_back(job.id);
  }
  return ids;
}

}  // namespace

TEST_CASE("a bulk retry re-queues failed and dead jobs with attempts reset, the oldest first under a limit") {
  Store s;
  for (int i = 0; i < 4; ++i) s.add("noop");
  const auto jobs = s.store.jobs().claim("default", 4, s.worker, 5);
  s.store.jobs().record(s.outcome(jobs[0], JobStatus::failed, AttemptOutcome::fail));
  s.store.jobs().record(s.outcome(jobs[1], JobStatus::dead, AttemptOutcome::retry));
  s.store.jobs().record(s.outcome(jobs[2], JobStatus::dead, AttemptOutcome::retry));
  s.store.jobs().record(s.outcome(jobs[3], JobStatus::done, AttemptOutcome::success));

  BulkRequest one_dead = retry_of({JobStatus::dead});
  one_dead.limit = 1;
  CHECK(changed_ids(run_bulk(s.store, one_dead)) == std::vector<JobId>{jobs[1].id});
  CHECK(changed_ids(run_bulk(s.store, retry_of({JobStatus::failed, JobStatus::dead}))) ==
        std::vector<JobId>{jobs[0].id, jobs[2].id});
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'pending' AND attempts = 0 "
                   "AND finished_at IS NULL") == "3");
  CHECK(s.status(jobs[3].id) == "done");
  // Run again: attempt numbering restarts and the history keeps both runs.
  const auto rerun = s.store.jobs().claim("default", 3, s.worker, 5);
  REQUIRE(rerun.size() == 3);
  CHECK(rerun[0].attempt == 1);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_attempts WHERE job_id = " +
                   std::to_string(jobs[0].id)) == "2");
}

TEST_CASE("a bulk retry leaves a job whose reference a live job holds now") {
  Store s;
  EnqueueRequest request;
  request.job_type = "noop";
  request.reference = "r";
  s.store.jobs().enqueue(request);
  const auto first = s.store.jobs().claim("default", 1, s.worker, 5).at(0);
  s.store.jobs().record(s.outcome(first, JobStatus::failed, AttemptOutcome::fail));
  const JobId live = s.store.jobs().enqueue(request);
  CHECK(live != first.id);
  const BulkResult result = run_bulk(s.store, retry_of({JobStatus::failed}));
  REQUIRE(result.jobs.size() == 1);
  CHECK_FALSE(result.jobs[0].changed);
  CHECK(result.jobs[0].reference_holder == live);
  CHECK(tally(result.jobs).left == 1);
  CHECK(s.status(first.id) == "failed");
}

TEST_CASE("a bulk action acts on what the filter matches and refuses more than its max, changing nothing") {
  Store s;
  std::vector<JobId> reports;
  for (int i = 0; i < 3; ++i) reports.push_back(s.add("report", 5, "imports"));
  const JobId other_type = s.add("resize", 5, "imports");
  const JobId other_queue = s.add("report", 5, "default");

  BulkRequest cancel;
  cancel.action = BulkAction::cancel;
  cancel.filter.queue = "imports";
  cancel.filter.job_type = "report";
  cancel.filter.statuses = {JobStatus::pending};
  cancel.max = 2;
  const BulkResult refused = run_bulk(s.store, cancel);
  CHECK(refused.refused);
  CHECK(refused.jobs.empty());
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'cancelled'") == "0");

  cancel.max = 3;  // exactly as many as match: not refused
  const BulkResult done = run_bulk(s.store, cancel);
  CHECK_FALSE(done.refused);
  CHECK(changed_ids(done) == reports);
  CHECK(s.status(other_type) == "pending");
  CHECK(s.status(other_queue) == "pending");

  // The error filter ignores case, and nothing matching is no error.
  s.db.sql("UPDATE spawnq.jobs SET status = 'failed', last_error = 'SMTP timeout after 30s' WHERE id = " +
           std::to_string(other_type));
  BulkRequest retry = retry_of({JobStatus::failed});
  retry.filter.error = "smtp TIMEOUT";
  CHECK(changed_ids(run_bulk(s.store, retry)) == std::vector<JobId>{other_type});
  CHECK(run_bulk(s.store, retry).jobs.empty());
}

TEST_CASE("a bulk cancel ends the waiting jobs and asks the daemons to stop the running ones") {
  Store s;
  const JobId running = s.add("noop");
  const auto claimed = s.store.jobs().claim("default", 1, s.worker, 5);
  REQUIRE(claimed.size() == 1);
  const JobId waiting = s.add("noop");

  BulkRequest cancel;
  cancel.action = BulkAction::cancel;
  cancel.filter.statuses = {JobStatus::pending, JobStatus::processing};
  const BulkResult result = run_bulk(s.store, cancel);
  const BulkTally t = tally(result.jobs);
  CHECK(t.changed == 1);
  CHECK(t.stopping == 1);
  CHECK(s.status(waiting) == "cancelled");
  CHECK(s.status(running) == "processing");
  CHECK(s.db.value("SELECT cancel_requested_at IS NOT NULL FROM spawnq.jobs WHERE id = " +
                   std::to_string(running)) == "t");
}

TEST_CASE("a bulk delete removes the finished jobs it matches but never a running one") {
  Store s;
  const JobId running = s.add("noop");
  REQUIRE(s.store.jobs().claim("default", 1, s.worker, 5).size() == 1);
  const JobId waiting = s.add("noop");
  BulkRequest remove;
  remove.action = BulkAction::remove;
  const BulkResult result = run_bulk(s.store, remove);
  CHECK(changed_ids(result) == std::vector<JobId>{waiting});
  CHECK(s.status(running) == "processing");
  CHECK(s.status(waiting).empty());
}

TEST_CASE("a retry racing a daemon's claim of the same job changes nothing: the job runs once") {
  Store s;
  s.add("noop");
  const auto first = s.store.jobs().claim("default", 1, s.worker, 5).at(0);
  s.store.jobs().record(s.outcome(first, JobStatus::retry_wait, AttemptOutcome::retry));
  // A daemon claims it again (attempt 2) and holds the row, not yet
  // committed, while a retry chosen when it still waited comes for it.
  auto daemon = s.db.connect();
  pqxx::work claiming(*daemon);
  claiming.exec("UPDATE spawnq.jobs SET status = 'processing', attempts = 2, started_at = now() WHERE id = " +
                std::to_string(first.id));
  auto retrying = std::async(std::launch::async, [&] { return s.store.admin().retry_jobs({first.id}); });
  REQUIRE(spawnq::test::wait_until(
      [&] {
        return s.db.value("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                          " WHERE NOT l.granted AND a.datname = current_database()") == "1";
      },
      5s));
  claiming.commit();
  const auto results = retrying.get();
  REQUIRE(results.size() == 1);
  CHECK_FALSE(results[0].changed);
  CHECK(s.db.value("SELECT status || ' ' || attempts FROM spawnq.jobs WHERE id = " + std::to_string(first.id)) ==
        "processing 2");
}

TEST_CASE("a retry racing a running job's completion changes nothing: the job stays done") {
  Store s;
  s.add("noop");
  const auto running = s.store.jobs().claim("default", 1, s.worker, 5).at(0);
  // The daemon records the job done and holds the row, not yet committed,
  // when a retry comes for it: the retry sees a running job, which it leaves
  // as it is (without waiting for the row), and the completion stands.
  auto daemon = s.db.connect();
  pqxx::work recording(*daemon);
  recording.exec("UPDATE spawnq.jobs SET status = 'done', progress = 1, finished_at = now() WHERE id = " +
                 std::to_string(running.id));
  const auto results = s.store.admin().retry_jobs({running.id});
  recording.commit();
  REQUIRE(results.size() == 1);
  CHECK_FALSE(results[0].changed);
  CHECK(results[0].status == JobStatus::processing);
  CHECK(s.db.value("SELECT status || ' ' || attempts FROM spawnq.jobs WHERE id = " + std::to_string(running.id)) ==
        "done 1");
}
