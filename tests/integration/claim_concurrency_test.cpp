#include <catch2/catch.hpp>
#include <future>
#include <latch>
#include <set>

#include "common/job_store.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using spawnq::test::TestDatabase;

TEST_CASE("four connections claiming 2,000 jobs at once never share a job and get them all") {
  TestDatabase db;
  db.sql("INSERT INTO spawnq.jobs (job_type, priority) "
         "SELECT 'noop', 1 + (n % 10) FROM generate_series(1, 2000) AS n");

  // All four connect first, then start claiming together.
  std::latch ready(4);
  std::vector<std::future<std::vector<JobId>>> claimers;
  for (int i = 0; i < 4; ++i) {
    claimers.push_back(std::async(std::launch::async, [&db, &ready, i] {
      auto conn = db.connect();
      JobStore store(*conn);
      const WorkerId worker = store.workers().register_worker({"test", 1000 + i, "", ""}, {"default"}, "test");
      ready.arrive_and_wait();
      std::vector<JobId> mine;
      for (;;) {
        const auto batch = store.jobs().claim("default", 7, worker, 5);
        if (batch.empty()) return mine;
        for (const ClaimedJob& job : batch) mine.push_back(job.id);
      }
    }));
  }
  std::vector<JobId> all;
  std::vector<std::size_t> per_claimer;
  for (auto& claimer : claimers) {
    const auto ids = claimer.get();
    per_claimer.push_back(ids.size());
    all.insert(all.end(), ids.begin(), ids.end());
  }
  const std::set<JobId> distinct(all.begin(), all.end());
  CHECK(all.size() == 2000);
  CHECK(distinct.size() == 2000);
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'processing' AND attempts = 1") == "2000");
  CHECK(db.value("SELECT count(DISTINCT job_id) FROM spawnq.job_attempts") == "2000");
  CHECK(db.value("SELECT count(*) FROM spawnq.job_attempts") == "2000");
  // Every connection took part: the test really exercised concurrency.
  for (std::size_t n : per_claimer) CHECK(n > 0);
}
