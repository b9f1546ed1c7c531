// Per-type and per-queue limits enforced by the claim itself (issue 7).
#include <catch2/catch.hpp>

#include "common/job_store.hpp"
#include "support/store_fixture.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;

namespace {

int count_of(const std::vector<ClaimedJob>& jobs, const std::string& job_type) {
  return static_cast<int>(std::count_if(jobs.begin(), jobs.end(), [&](const ClaimedJob& j) { return j.job_type == job_type; }));
}

}  // namespace

TEST_CASE("claim limits: max_concurrency holds across workers, and other types are not held up") {
  Store s;
  for (int i = 0; i < 5; ++i) s.add("resize");
  for (int i = 0; i < 3; ++i) s.add("email");
  const WorkerId other = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  ClaimLimits limits;
  limits.types["resize"].max_running = 1;

  const auto first = s.store.jobs().claim("default", 10, s.worker, 5, limits);
  CHECK(count_of(first, "resize") == 1);
  CHECK(count_of(first, "email") == 3);
  CHECK(s.store.jobs().claim("default", 10, other, 5, limits).empty());  // the one resize runs elsewhere
  for (const ClaimedJob& job : first) {
    if (job.job_type == "resize") REQUIRE(s.store.jobs().record(s.outcome(job, JobStatus::done, AttemptOutcome::success)));
  }
  const auto next = s.store.jobs().claim("default", 10, other, 5, limits);
  CHECK(count_of(next, "resize") == 1);
  CHECK(next.size() == 1);
}

TEST_CASE("claim limits: a rate caps starts per window") {
  Store s;
  for (int i = 0; i < 5; ++i) s.add("report");
  ClaimLimits limits;
  limits.types["report"].rate = 2;
  limits.types["report"].per = 1h;
  const auto first = s.store.jobs().claim("default", 10, s.worker, 5, limits);
  CHECK(first.size() == 2);
  for (const ClaimedJob& job : first) REQUIRE(s.store.jobs().record(s.outcome(job, JobStatus::done, AttemptOutcome::success)));
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5, limits).empty());  // done, but started within the hour
  s.db.sql("UPDATE spawnq.jobs SET started_at = now() - interval '2 hours' WHERE started_at IS NOT NULL");
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5, limits).size() == 2);
}

TEST_CASE("claim limits: global_max_workers caps a queue across workers") {
  Store s;
  for (int i = 0; i < 6; ++i) s.add("noop");
  const WorkerId other = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  ClaimLimits limits;
  limits.global_max = 4;
  CHECK(s.store.jobs().claim("default", 3, s.worker, 5, limits).size() == 3);
  CHECK(s.store.jobs().claim("default", 3, other, 5, limits).size() == 1);
  CHECK(s.store.jobs().claim("default", 3, other, 5, limits).empty());
  CHECK(s.store.jobs().claim("default", 3, other, 5).size() == 2);  // without limits: everything runnable
}
