// The statements that keep the daemon fast: many outcomes in one write, and
// a claim that reads only the partial index of eligible rows, however many
// finished rows the table holds.
#include <catch2/catch.hpp>

#include "common/job_store.hpp"
#include "common/job_queue.hpp"
#include "support/claim_plan.hpp"
#include "support/store_fixture.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;

namespace {

// The plan PostgreSQL picks for a claim of `limit` jobs, as text.
std::string claim_plan(Store& s, const std::string& plan_cache_mode) {
  return spawnq::test::statement_plan(s.db, "claim", "text, int, bigint, int, jsonb, text",
                                      "'default', 8, " + std::to_string(s.worker) + ", 5, '{}', 'default'",
                                      plan_cache_mode);
}

}  // namespace

TEST_CASE("one batch writes many outcomes, each fenced on its own") {
  Store s;
  for (int i = 0; i < 4; ++i) s.add("noop");
  const auto jobs = s.store.jobs().claim("default", 4, s.worker, 5);
  REQUIRE(jobs.size() == 4);

  AttemptRecord done = s.outcome(jobs[0], JobStatus::done, AttemptOutcome::success);
  done.pid = 11;
  done.exit_code = 0;
  done.output_tail = "quote \" backslash \\ newline\n tab\t ünïcode";
  AttemptRecord retry = s.outcome(jobs[1], JobStatus::retry_wait, AttemptOutcome::retry);
  retry.retry_delay = 90s;
  retry.error = "busy";
  retry.exit_code = 75;
  AttemptRecord killed = s.outcome(jobs[2], JobStatus::failed, AttemptOutcome::timeout);
  killed.signal = 9;
  killed.error = "timed out";
  AttemptRecord stranger = s.outcome(jobs[3], JobStatus::done, AttemptOutcome::success);
  stranger.worker_id = s.worker + 1000;  // not the holder: must change nothing

  const auto applied = s.store.jobs().record_batch({done, retry, killed, stranger});
  CHECK(applied == std::vector<bool>{true, true, true, false});

  auto row = [&](JobId id) {
    return s.db.value("SELECT j.status || '|' || COALESCE(j.last_error, '-') || '|' || a.outcome || '|' ||"
                      " COALESCE(a.exit_code::text, '-') || '|' || COALESCE(a.signal::text, '-') || '|' ||"
                      " COALESCE(a.pid::text, '-') || '|' || (j.available_at > now() + interval '80 seconds')"
                      " FROM spawnq.jobs j JOIN spawnq.job_attempts a ON a.job_id = j.id WHERE j.id = " +
                      std::to_string(id));
  };
  CHECK(row(jobs[0].id) == "done|-|success|0|-|11|false");
  CHECK(s.db.value("SELECT output_tail FROM spawnq.job_attempts WHERE job_id = " + std::to_string(jobs[0].id)) ==
        done.output_tail);
  CHECK(row(jobs[1].id) == "retry_wait|busy|retry|75|-|-|true");
  CHECK(row(jobs[2].id) == "failed|timed out|timeout|-|9|-|false");
  CHECK(s.status(jobs[3].id) == "processing");
  CHECK(s.db.value("SELECT outcome IS NULL FROM spawnq.job_attempts WHERE job_id = " +
                   std::to_string(jobs[3].id)) == "t");

  // Written once: the same batch again wins nothing.
  CHECK(s.store.jobs().record_batch({done, retry}) == std::vector<bool>{false, false});
  CHECK(s.store.jobs().record_batch({}).empty());
}

TEST_CASE("the claim reads the partial index of eligible rows, never the finished ones") {
  Store s;
  // Enough finished rows that a scan of the table would be a real choice.
  s.db.sql("INSERT INTO spawnq.jobs (queue, job_type, status, attempts, finished_at)"
           " SELECT 'default', 'noop', 'done', 1, now() FROM generate_series(1, 20000)");
  for (int i = 0; i < 10; ++i) s.add("noop");
  s.db.sql("ANALYZE spawnq.jobs");

  // Both the plans a prepared statement may get: custom (first runs) and generic.
  for (const std::string mode : {"force_custom_plan", "force_generic_plan"}) {
    INFO("plan_cache_mode = " << mode);
    const std::string plan = claim_plan(s, mode);
    INFO(plan);
    CHECK(plan.find("jobs_claim_idx") != std::string::npos);
    CHECK(plan.find("Seq Scan on jobs") == std::string::npos);
  }
  CHECK(s.store.jobs().claim("default", 20, s.worker, 5).size() == 10);
}

TEST_CASE("on a backlog a claim of a fixed size keeps one generic plan, and reads the claim index in either") {
  Store s;
  // A backlog big enough that a generic plan of `LIMIT $2` loses to a custom one.
  s.db.sql("INSERT INTO spawnq.jobs (queue, job_type) SELECT 'default', 'noop' FROM generate_series(1, 20000)");
  s.db.sql("ANALYZE spawnq.jobs");

  for (const std::string mode : {"force_custom_plan", "force_generic_plan"}) {
    INFO("plan_cache_mode = " << mode);
    const std::string plan =
        spawnq::test::statement_plan(s.db, claim_statement(8, {}), "text, bigint, int, jsonb, text",
                                     "'default', " + std::to_string(s.worker) + ", 5, '{}', 'default'", mode);
    INFO(plan);
    CHECK(plan.find("jobs_claim_idx") != std::string::npos);
    CHECK(plan.find("Seq Scan on jobs") == std::string::npos);
    CHECK(plan.find("Merge Join") == std::string::npos);  // a walk of the whole primary key
  }

  const int size = claim_batch(5);
  REQUIRE(size == 4);
  REQUIRE(s.store.jobs().claim_size(5) == size);
  ClaimLimits limited;
  limited.types["noop"].max_running = 1000;
  for (const ClaimLimits& limits : {ClaimLimits{}, limited}) {
    const std::string name = claim_statement(size, limits);
    INFO(name);
    for (int i = 0; i < 10; ++i) {
      CHECK(s.store.jobs().claim("default", size, s.worker, 5, limits).size() == static_cast<std::size_t>(size));
    }
    // The plan cache tries five custom plans, then keeps the generic one. Not
    // asserted for a claim with limits: a custom plan folds its rules (a
    // group_room without group_max is a one-time false filter), so whether
    // the generic one is cheap enough to keep depends on the statistics.
    if (!limits.empty()) continue;
    pqxx::nontransaction n(*s.conn);
    const pqxx::row plans =
        n.exec1("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = " + n.quote(name));
    CHECK(plans[0].as<int>() >= 5);
    CHECK(plans[1].as<int>() <= 5);
  }
}
