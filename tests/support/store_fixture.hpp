// StoreFixture: one test's database, a connection, a JobStore and a registered
// worker, with small helpers for arranging jobs. Shared by the job store tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/job_store.hpp"
#include "support/enqueue.hpp"

namespace spawnq::test {

// One test's database, a connection, a store and a registered worker.
struct Store : JobDatabase {
  WorkerId worker = store.workers().register_worker({"host-a", 4242, "", ""}, {"default", "emails"}, "test");

  JobId add(const std::string& job_type, int priority = 5, const std::string& queue = "default") {
    EnqueueRequest request;
    request.job_type = job_type;
    request.priority = priority;
    request.queue = queue;
    return store.jobs().enqueue(request);
  }
  std::string status(JobId id) {
    return db.status_of(id);
  }
  AttemptRecord outcome(const ClaimedJob& job, JobStatus next, AttemptOutcome how) const {
    AttemptRecord r;
    r.job_id = job.id;
    r.attempt = job.attempt;
    r.worker_id = worker;
    r.next_status = next;
    r.outcome = how;
    return r;
  }
};

inline std::vector<JobId> ids_of(const std::vector<ClaimedJob>& jobs) {
  std::vector<JobId> ids;
  for (const ClaimedJob& job : jobs) ids.push_back(job.id);
  return ids;
}


}  // namespace spawnq::test
