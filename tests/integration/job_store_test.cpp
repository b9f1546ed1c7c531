#include "common/job_store.hpp"

#include <catch2/catch.hpp>

#include "support/store_fixture.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;
using spawnq::test::TestDatabase;
using spawnq::test::ids_of;


TEST_CASE("enqueue stores the request, and defaults fill the rest") {
  Store s;
  EnqueueRequest request;
  request.job_type = "send_email";
  request.payload_json = R"({"to":"a@b"})";
  request.queue = "emails";
  request.priority = 8;
  request.max_attempts = 3;
  request.reference = "ref-1";
  request.job_group = "g";
  const JobId id = s.store.jobs().enqueue(request);
  const auto row = s.db.sql("SELECT queue, job_type, payload->>'to', status, priority, attempts, "
                            "max_attempts, reference, job_group, available_at <= now() "
                            "FROM spawnq.jobs WHERE id = " + std::to_string(id))[0];
  CHECK(row[0].as<std::string>() == "emails");
  CHECK(row[1].as<std::string>() == "send_email");
  CHECK(row[2].as<std::string>() == "a@b");
  CHECK(row[3].as<std::string>() == "pending");
  CHECK(row[4].as<int>() == 8);
  CHECK(row[5].as<int>() == 0);
  CHECK(row[6].as<int>() == 3);
  CHECK(row[7].as<std::string>() == "ref-1");
  CHECK(row[8].as<std::string>() == "g");
  CHECK(row[9].as<bool>());

  const JobId plain = s.add("noop");
  CHECK(s.db.value("SELECT max_attempts IS NULL AND payload = '{}' AND priority = 5 "
                   "FROM spawnq.jobs WHERE id = " + std::to_string(plain)) == "t");
}

TEST_CASE("a delay and a run_at put available_at in the future by the database's clock") {
  Store s;
  EnqueueRequest delayed;
  delayed.job_type = "noop";
  delayed.delay = 1h;
  const JobId a = s.store.jobs().enqueue(delayed);
  EnqueueRequest at;
  at.job_type = "noop";
  at.run_at = "2100-01-01T00:00:00+00:00";
  const JobId b = s.store.jobs().enqueue(at);
  CHECK(s.db.value("SELECT available_at BETWEEN now() + interval '59 minutes' AND now() + interval "
                   "'61 minutes' FROM spawnq.jobs WHERE id = " + std::to_string(a)) == "t");
  CHECK(s.db.value("SELECT available_at = '2100-01-01 00:00:00+00' FROM spawnq.jobs WHERE id = " +
                   std::to_string(b)) == "t");
}

TEST_CASE("claims come in priority order, then by availability, then by id") {
  Store s;
  const JobId low_old = s.add("a", 5);
  const JobId low_older = s.add("b", 5);
  const JobId high = s.add("c", 9);
  const JobId low_older_later_id = s.add("d", 5);
  s.db.sql("UPDATE spawnq.jobs SET available_at = now() - interval '10 seconds' WHERE id = " +
           std::to_string(low_old));
  s.db.sql("UPDATE spawnq.jobs SET available_at = now() - interval '20 seconds' WHERE id IN (" +
           std::to_string(low_older) + "," + std::to_string(low_older_later_id) + ")");

  SECTION("in one batch") {
    CHECK(ids_of(s.store.jobs().claim("default", 10, s.worker, 5)) ==
          std::vector<JobId>{high, low_older, low_older_later_id, low_old});
  }
  SECTION("one at a time") {
    std::vector<JobId> order;
    for (int i = 0; i < 4; ++i) order.push_back(ids_of(s.store.jobs().claim("default", 1, s.worker, 5)).at(0));
    CHECK(order == std::vector<JobId>{high, low_older, low_older_later_id, low_old});
    CHECK(s.store.jobs().claim("default", 1, s.worker, 5).empty());
  }
}

TEST_CASE("a claim takes only its own queue, at most the limit, and never future jobs") {
  Store s;
  const JobId later = s.add("noop");
  s.db.sql("UPDATE spawnq.jobs SET available_at = now() + interval '1 hour'");
  s.add("noop", 5, "emails");
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5).empty());

  s.db.sql("UPDATE spawnq.jobs SET available_at = now() - interval '1 second' WHERE id = " +
           std::to_string(later));
  for (int i = 0; i < 5; ++i) s.add("noop");
  CHECK(s.store.jobs().claim("default", 3, s.worker, 5).size() == 3);
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5).size() == 3);
  CHECK(s.store.jobs().claim("emails", 10, s.worker, 5).size() == 1);
}

TEST_CASE("a claim counts the attempt, opens its attempt row and resolves max_attempts") {
  Store s;
  EnqueueRequest request;
  request.job_type = "noop";
  request.payload_json = R"({"n":1})";
  request.reference = "r";
  const JobId id = s.store.jobs().enqueue(request);
  const auto claimed = s.store.jobs().claim("default", 1, s.worker, 7);
  REQUIRE(claimed.size() == 1);
  const ClaimedJob& job = claimed[0];
  CHECK(job.id == id);
  CHECK(job.attempt == 1);
  CHECK(job.max_attempts == 7);
  CHECK(job.payload == R"({"n": 1})");
  CHECK(job.reference == "r");
  CHECK_FALSE(job.job_group.has_value());
  CHECK(s.status(id) == "processing");
  CHECK(s.db.value("SELECT worker_id = " + std::to_string(s.worker) +
                   " AND started_at IS NOT NULL AND max_attempts = 7 FROM spawnq.jobs") == "t");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_attempts WHERE job_id = " + std::to_string(id) +
                   " AND attempt = 1 AND finished_at IS NULL AND worker_id = " +
                   std::to_string(s.worker)) == "1");
}

TEST_CASE("a live reference names one job, and a finished one frees it") {
  Store s;
  EnqueueRequest request;
  request.job_type = "noop";
  request.reference = "order-7";
  const JobId first = s.store.jobs().enqueue(request);
  CHECK(s.store.jobs().enqueue(request) == first);
  CHECK(s.db.value("SELECT spawnq.enqueue(job_type => 'other', reference => 'order-7')") ==
        std::to_string(first));

  EnqueueRequest elsewhere = request;
  elsewhere.queue = "emails";
  CHECK(s.store.jobs().enqueue(elsewhere) != first);

  const auto claimed = s.store.jobs().claim("default", 1, s.worker, 5);
  CHECK(s.store.jobs().enqueue(request) == first);  // processing is still live
  REQUIRE(s.store.jobs().record(s.outcome(claimed.at(0), JobStatus::done, AttemptOutcome::success)));
  const JobId second = s.store.jobs().enqueue(request);
  CHECK(second != first);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE reference = 'order-7'") == "3");
}

TEST_CASE("producers can enqueue with plain SQL, and the schema refuses impossible rows") {
  Store s;
  s.db.sql("INSERT INTO spawnq.jobs (job_type, payload) VALUES ('noop', '{\"a\":1}')");
  s.db.value("SELECT spawnq.enqueue(job_type => 'send_email', payload => '{\"to\":\"a@b\"}'::jsonb, "
             "queue => 'emails', priority => 5, run_at => now(), max_attempts => NULL, "
             "reference => NULL, job_group => NULL)");
  CHECK(s.store.jobs().claim("default", 5, s.worker, 5).size() == 1);
  CHECK(s.store.jobs().claim("emails", 5, s.worker, 5).size() == 1);
  CHECK_THROWS_AS(s.db.sql("INSERT INTO spawnq.jobs (job_type, status) VALUES ('x', 'running')"),
                  pqxx::check_violation);
  CHECK_THROWS_AS(s.db.sql("INSERT INTO spawnq.jobs (job_type, priority) VALUES ('x', 11)"),
                  pqxx::check_violation);
  CHECK_THROWS_AS(s.db.sql("INSERT INTO spawnq.jobs (job_type, queue) VALUES ('x', 'bad queue')"),
                  pqxx::check_violation);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs") == "2");
}

TEST_CASE("a committed insert notifies the queue's channel") {
  Store s;
  auto listener = s.db.connect();
  struct Receiver : pqxx::notification_receiver {
    using pqxx::notification_receiver::notification_receiver;
    int received = 0;
    void operator()(const std::string&, int) override { ++received; }
  } receiver(*listener, "spawnq:emails");
  listener->get_notifs();

  s.add("noop", 5, "default");
  CHECK(listener->await_notification(0, 200'000) == 0);
  s.add("noop", 5, "emails");
  int got = 0;
  for (int i = 0; i < 50 && got == 0; ++i) got += listener->await_notification(0, 100'000);
  CHECK(got == 1);
  CHECK(receiver.received == 1);
}

TEST_CASE("recording an outcome is fenced by job, attempt and worker") {
  Store s;
  const JobId id = s.add("noop");
  const ClaimedJob job = s.store.jobs().claim("default", 1, s.worker, 5).at(0);

  AttemptRecord stranger = s.outcome(job, JobStatus::done, AttemptOutcome::success);
  stranger.worker_id = s.worker + 1000;
  CHECK_FALSE(s.store.jobs().record(stranger));
  AttemptRecord stale = s.outcome(job, JobStatus::done, AttemptOutcome::success);
  stale.attempt = 2;
  CHECK_FALSE(s.store.jobs().record(stale));
  CHECK(s.status(id) == "processing");

  AttemptRecord mine = s.outcome(job, JobStatus::done, AttemptOutcome::success);
  mine.pid = 777;
  mine.exit_code = 0;
  mine.output_tail = "hello\n";
  CHECK(s.store.jobs().record(mine));
  CHECK(s.db.value("SELECT status || ' ' || progress || ' ' || (finished_at IS NOT NULL) "
                   "FROM spawnq.jobs") == "done 1 true");
  CHECK(s.db.value("SELECT outcome || ' ' || pid || ' ' || exit_code || ' ' || output_tail "
                   "FROM spawnq.job_attempts") == "success 777 0 hello\n");
  CHECK_FALSE(s.store.jobs().record(mine));  // already recorded: nothing to win twice
}

TEST_CASE("a retry waits out its delay, keeping the error") {
  Store s;
  const JobId id = s.add("noop");
  const ClaimedJob job = s.store.jobs().claim("default", 1, s.worker, 5).at(0);
  AttemptRecord retry = s.outcome(job, JobStatus::retry_wait, AttemptOutcome::retry);
  retry.retry_delay = 60s;
  retry.exit_code = 75;
  retry.error = "smtp busy";
  REQUIRE(s.store.jobs().record(retry));
  CHECK(s.status(id) == "retry_wait");
  CHECK(s.db.value("SELECT available_at > now() + interval '55 seconds' AND finished_at IS NULL "
                   "AND last_error = 'smtp busy' FROM spawnq.jobs") == "t");
  CHECK(s.store.jobs().claim("default", 1, s.worker, 5).empty());
  s.db.sql("UPDATE spawnq.jobs SET available_at = now()");
  const auto again = s.store.jobs().claim("default", 1, s.worker, 5);
  REQUIRE(again.size() == 1);
  CHECK(again[0].attempt == 2);
}

TEST_CASE("cancel stops a waiting job and explains why it cannot stop others") {
  Store s;
  const JobId waiting = s.add("a", 1);
  const JobId running = s.add("b", 9);
  const JobId finished = s.add("c", 8);
  const auto claimed = s.store.jobs().claim("default", 2, s.worker, 5);
  s.store.jobs().record(s.outcome(claimed.at(1), JobStatus::done, AttemptOutcome::success));

  CHECK(s.store.admin().cancel(waiting).kind == CancelResult::Kind::cancelled);
  CHECK(s.db.value("SELECT status || ' ' || (finished_at IS NOT NULL) FROM spawnq.jobs WHERE id = " +
                   std::to_string(waiting)) == "cancelled true");
  CHECK(s.store.admin().cancel(waiting).kind == CancelResult::Kind::finished);
  CHECK(s.store.admin().cancel(running).kind == CancelResult::Kind::running);
  CHECK(s.status(running) == "processing");
  const CancelResult done = s.store.admin().cancel(finished);
  CHECK(done.kind == CancelResult::Kind::finished);
  CHECK(done.status == JobStatus::done);
  CHECK(s.store.admin().cancel(999'999).kind == CancelResult::Kind::not_found);
}

TEST_CASE("cleanup deletes old jobs of the named statuses only, with their attempts") {
  Store s;
  for (int i = 0; i < 6; ++i) s.add("noop");
  const auto jobs = s.store.jobs().claim("default", 5, s.worker, 5);
  for (int i = 0; i < 4; ++i) s.store.jobs().record(s.outcome(jobs[i], JobStatus::done, AttemptOutcome::success));
  s.store.jobs().record(s.outcome(jobs[4], JobStatus::failed, AttemptOutcome::fail));
  s.db.sql("UPDATE spawnq.jobs SET finished_at = now() - interval '40 days' WHERE id IN (" +
           std::to_string(jobs[0].id) + "," + std::to_string(jobs[1].id) + "," +
           std::to_string(jobs[2].id) + "," + std::to_string(jobs[4].id) + ")");
  s.db.sql("UPDATE spawnq.jobs SET created_at = now() - interval '40 days' WHERE status = 'pending'");

  CHECK(s.store.admin().cleanup(24h * 30, {JobStatus::done}, 2) == 3);  // three batches' worth
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs") == "3");
  CHECK(s.store.admin().cleanup(24h * 30, {JobStatus::done, JobStatus::failed}) == 1);
  CHECK(s.db.value("SELECT string_agg(status, ',' ORDER BY id) FROM spawnq.jobs") == "done,pending");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_attempts") == "1");
}

TEST_CASE("stats count jobs by queue and status and age the oldest runnable job") {
  Store s;
  s.add("a");
  s.add("b");
  s.add("c", 5, "emails");
  s.db.sql("UPDATE spawnq.jobs SET available_at = now() - interval '90 seconds' WHERE job_type = 'a'");
  s.store.jobs().claim("emails", 1, s.worker, 5);
  const auto all = s.store.admin().stats(std::nullopt);
  REQUIRE(all.size() == 2);
  CHECK(all[0].queue == "default");
  CHECK(all[0].counts.at(JobStatus::pending) == 2);
  REQUIRE(all[0].oldest_pending_age_s.has_value());
  CHECK(*all[0].oldest_pending_age_s >= 90.0);
  CHECK(all[1].queue == "emails");
  CHECK(all[1].counts.at(JobStatus::processing) == 1);
  CHECK_FALSE(all[1].oldest_pending_age_s.has_value());
  CHECK(s.store.admin().stats(std::string("emails")).size() == 1);
}

TEST_CASE("show returns the job and its attempts, oldest first") {
  Store s;
  const JobId id = s.add("noop");
  CHECK(s.store.admin().show(id)->attempts.empty());
  const ClaimedJob job = s.store.jobs().claim("default", 1, s.worker, 5).at(0);
  AttemptRecord retry = s.outcome(job, JobStatus::retry_wait, AttemptOutcome::retry);
  retry.error = "first try failed";
  s.store.jobs().record(retry);
  const auto details = s.store.admin().show(id);
  REQUIRE(details.has_value());
  CHECK(details->job["id"] == id);
  CHECK(details->job["status"] == "retry_wait");
  CHECK(details->job["last_error"] == "first try failed");
  REQUIRE(details->attempts.size() == 1);
  CHECK(details->attempts[0]["attempt"] == 1);
  CHECK(details->attempts[0]["outcome"] == "retry");
  CHECK_FALSE(s.store.admin().show(id + 1000).has_value());
}
