// Fairness within a queue (fair_by: group, group_max_workers; migration 014):
// the claim takes turns between job_groups within a priority, and without
// fair_by keeps strict priority order.
#include <catch2/catch.hpp>

#include "common/job_store.hpp"
#include "support/claim_plan.hpp"
#include "support/store_fixture.hpp"

using namespace spawnq;
using spawnq::test::Store;

namespace {

void add_group(Store& s, const std::string& group, int count, int priority = 5) {
  s.db.sql("SELECT count(*) FROM spawnq.enqueue_many((SELECT jsonb_agg(jsonb_build_object('job_type', 'noop',"
           " 'job_group', '" + group + "', 'priority', " + std::to_string(priority) +
           ")) FROM generate_series(1, " + std::to_string(count) + ")))");
}

// Claims one job at a time until `stop` says so; the groups in claim order.
std::vector<std::string> claim_order(Store& s, const ClaimLimits& limits, std::size_t max_claims) {
  std::vector<std::string> order;
  while (order.size() < max_claims) {
    const auto claimed = s.store.jobs().claim("default", 1, s.worker, 5, limits);
    if (claimed.empty()) break;
    order.push_back(claimed[0].job_group.value_or(""));
  }
  return order;
}

}  // namespace

TEST_CASE("fair claim: 50 jobs of B enqueued after 5,000 of A all start before A's 200th start after them") {
  Store s;
  add_group(s, "A", 5000);
  add_group(s, "B", 50);
  ClaimLimits fair;
  fair.fair = true;
  const auto order = claim_order(s, fair, 400);
  int a_before_last_b = 0, b_seen = 0;
  for (const std::string& group : order) {
    if (b_seen == 50) break;
    if (group == "B") ++b_seen;
    else ++a_before_last_b;
  }
  CHECK(b_seen == 50);
  CHECK(a_before_last_b < 200);
  // Started, as the database says: every B has started_at before A's 200th.
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE job_group = 'B' AND started_at IS NOT NULL") == "50");
}

TEST_CASE("fair claim: a higher priority still goes first, and a new group joins at the front, not behind the backlog") {
  Store s;
  add_group(s, "A", 30);
  const auto fair_limits = [] {
    ClaimLimits l;
    l.fair = true;
    return l;
  }();
  CHECK(claim_order(s, fair_limits, 10) == std::vector<std::string>(10, "A"));
  add_group(s, "B", 2);
  add_group(s, "C", 1, 9);
  // C first by priority; then B's two take turns with A from A's next rank on,
  // rather than waiting behind the 20 of A left.
  CHECK(claim_order(s, fair_limits, 5) == std::vector<std::string>{"C", "A", "B", "A", "B"});
}

TEST_CASE("fair claim: without fair_by the order stays strict: priority, then the order of enqueue") {
  Store s;
  add_group(s, "A", 20);
  add_group(s, "B", 5);
  const auto order = claim_order(s, ClaimLimits{}, 25);
  CHECK(std::count(order.begin(), order.begin() + 20, "A") == 20);
}

TEST_CASE("fair claim: group_max_workers caps one group's processing jobs across workers, other groups go on") {
  Store s;
  add_group(s, "A", 10);
  add_group(s, "B", 10);
  const WorkerId other = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  ClaimLimits limits;
  limits.group_max = 2;
  limits.fair = true;
  const auto first = s.store.jobs().claim("default", 3, s.worker, 5, limits);
  const auto second = s.store.jobs().claim("default", 10, other, 5, limits);
  CHECK(first.size() + second.size() == 4);
  CHECK(s.db.value("SELECT string_agg(job_group || '=' || n, ',' ORDER BY job_group) FROM (SELECT job_group,"
                   " count(*) n FROM spawnq.jobs WHERE status = 'processing' GROUP BY job_group) g") == "A=2,B=2");
  REQUIRE(s.store.jobs().record(s.outcome(first.at(0), JobStatus::done, AttemptOutcome::success)));
  CHECK(s.store.jobs().claim("default", 10, other, 5, limits).size() == 1);  // the room one finished job freed
}

TEST_CASE("fair claim: with 100 groups and 1,000,000 pending rows the fair claims read the fair index, never the table") {
  Store s;
  // Ranks as the insert trigger would give them (10,000 per group, in turn),
  // written straight in so the fixture takes seconds, not minutes.
  s.db.sql("SET session_replication_role = replica");
  s.db.sql("INSERT INTO spawnq.jobs (job_type, queue, job_group, fair_rank, priority, status)"
           " SELECT 'noop', 'default', 'g' || (i % 100), i / 100 + 1, 5, 'pending'"
           "   FROM generate_series(0, 999999) i");
  s.db.sql("SET session_replication_role = DEFAULT");
  s.db.sql("ANALYZE spawnq.jobs");
  const std::string worker = std::to_string(s.worker);
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    INFO(mode);
    const std::string plain = spawnq::test::statement_plan(
        s.db, "claim_fair", "text, int, bigint, int, jsonb, text", "'default', 8, " + worker + ", 5, '{}', 'default'",
        mode);
    INFO(plain);
    CHECK_THAT(plain, Catch::Matchers::Contains("jobs_fair_claim_idx"));
    CHECK_THAT(plain, !Catch::Matchers::Contains("Seq Scan on jobs"));
    const std::string limited = spawnq::test::statement_plan(
        s.db, "claim_limited_fair", "text, int, bigint, int, jsonb, jsonb, text",
        "'default', 8, " + worker + ", 5, '{\"types\": {}, \"group_max\": 2}', '{}', 'default'", mode);
    INFO(limited);
    CHECK_THAT(limited, Catch::Matchers::Contains("jobs_fair_claim_idx"));
    CHECK_THAT(limited, !Catch::Matchers::Contains("Seq Scan on jobs"));
  }
}
