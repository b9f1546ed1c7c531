// Finding jobs for people (common/job_search): pages by id that neither
// repeat nor skip a job while others are inserted, capped counts, failure
// groups, and the minutes of the console's chart.
#include "common/job_search.hpp"

#include <set>

#include <catch2/catch.hpp>

#include "support/store_fixture.hpp"

using namespace spawnq;
using spawnq::test::Store;

TEST_CASE_METHOD(Store, "job search: pages by id neither repeat nor skip a job while new ones arrive") {
  std::set<JobId> before;
  for (int i = 0; i < 120; ++i) before.insert(add("page"));
  JobFilter filter;
  filter.job_type = "page";
  std::vector<JobId> seen;
  JobPage page = store.search().find(filter, 50);
  for (const JobLine& job : page.jobs) seen.push_back(job.id);
  for (int i = 0; i < 30; ++i) add("page");  // newer than every page already read
  while (page.next_before_id) {
    filter.before_id = page.next_before_id;
    page = store.search().find(filter, 50);
    for (const JobLine& job : page.jobs) seen.push_back(job.id);
  }
  CHECK(seen.size() == 120);
  CHECK(std::set<JobId>(seen.begin(), seen.end()) == before);
  CHECK(std::is_sorted(seen.rbegin(), seen.rend()));  // newest first
}

TEST_CASE_METHOD(Store, "job search: counts by status stop at the cap and say so") {
  for (int i = 0; i < 12; ++i) add("count");
  for (int i = 0; i < 10; ++i) add("count", 5, "emails");
  db.sql("UPDATE spawnq.jobs SET status = 'dead', finished_at = now() WHERE queue = 'emails'");
  JobFilter filter;
  filter.statuses = {JobStatus::pending};  // ignored: every status is counted
  const auto counts = store.search().count_by_status(filter, 10);
  CHECK(counts.at(JobStatus::pending).count == 10);
  CHECK(counts.at(JobStatus::pending).capped);
  CHECK(counts.at(JobStatus::dead).count == 10);
  CHECK_FALSE(counts.at(JobStatus::dead).capped);  // exactly the cap is not more than it
  CHECK(counts.at(JobStatus::done).count == 0);
  filter.queue = "emails";
  CHECK(store.search().count_by_status(filter, 10).at(JobStatus::pending).count == 0);
}

TEST_CASE_METHOD(Store, "job search: failures group by their first line with numbers and ids folded") {
  const JobId a = add("x");
  const JobId b = add("y");
  const JobId c = add("y");
  db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now(), last_error = CASE id"
         " WHEN " + std::to_string(a) + " THEN 'user 123e4567-e89b-12d3-a456-426614174000 has no card'"
         " WHEN " + std::to_string(b) + " THEN 'user 0f8fad5b-d9cb-469f-a165-70867728950e has no card' || E'\\nstack'"
         " ELSE 'HTTP 502 from 10.0.0.7' END WHERE id IN (" + std::to_string(a) + "," + std::to_string(b) + "," +
         std::to_string(c) + ")");
  const auto groups = store.search().failure_groups(100, 10);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].error_group == "user <id> has no card");
  CHECK(groups[0].count == 2);
  CHECK(groups[0].job_types == std::vector<std::string>{"x", "y"});
  CHECK(groups[1].error_group == "HTTP <n> from <n>.<n>.<n>.<n>");
  JobFilter filter;
  filter.error_group = groups[0].error_group;
  CHECK(store.search().matching_ids(filter, 10) == std::vector<JobId>{a, b});
  // Only the newest failures are read: a sample of one sees one group.
  CHECK(store.search().failure_groups(1, 10).size() == 1);
}

TEST_CASE_METHOD(Store, "job search: finished jobs land in the minute they finished in, by queue") {
  const JobId now = add("m");
  const JobId earlier = add("m", 5, "emails");
  const JobId old = add("m");
  db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + std::to_string(now));
  db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now() - interval '5 minutes 10 seconds' WHERE id = " +
         std::to_string(earlier));
  db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() - interval '2 hours' WHERE id = " +
         std::to_string(old));
  auto minutes = store.search().finished_per_minute(60);
  std::sort(minutes.begin(), minutes.end(), [](const auto& x, const auto& y) { return x.minutes_ago < y.minutes_ago; });
  REQUIRE(minutes.size() == 2);
  CHECK(minutes[0].queue == "default");
  CHECK(minutes[0].minutes_ago == 0);
  CHECK(minutes[0].done == 1);
  CHECK(minutes[1].queue == "emails");
  CHECK(minutes[1].minutes_ago == 5);
  CHECK(minutes[1].failed == 1);
}
