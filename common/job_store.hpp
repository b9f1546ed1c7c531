// JobStore is spawnq's one door to the rows of spawnq.jobs and its companions,
// split by duty: jobs() for enqueueing, claims and outcomes, workers() for
// daemons and the rescue of their jobs, admin() for what operators ask and
// change, search() for finding and summing up jobs, schedules() for cron ticks,
// audit() for what was done from the web console, batches() for batches of
// jobs and their progress. Their statements share one
// StatementBook: prepared once on a direct connection, sent whole behind a
// transaction pooler (the schema's own bookkeeping lives in schema_migrator). It borrows one connection and is used by one thread at a
// time: the daemon's database thread, or an admin command's main thread.
//
// Writes about a running job are fenced by (job id, attempt, worker id): they
// change nothing once the job has been rescued, cancelled or re-claimed.
#pragma once

#include <pqxx/connection>

#include "audit_log.hpp"
#include "batch_store.hpp"
#include "job_admin.hpp"
#include "job_queue.hpp"
#include "job_search.hpp"
#include "schedule_store.hpp"
#include "worker_registry.hpp"

namespace spawnq {

class JobStore {
 public:
  // `statement_timeout`: see StatementBook; the web console sets one.
  explicit JobStore(pqxx::connection& conn, Pooler pooler = Pooler::none,
                    std::optional<std::chrono::milliseconds> statement_timeout = std::nullopt);

  JobQueue& jobs() { return jobs_; }
  WorkerRegistry& workers() { return workers_; }
  JobAdmin& admin() { return admin_; }
  JobSearch& search() { return search_; }
  ScheduleStore& schedules() { return schedules_; }
  AuditLog& audit() { return audit_; }
  BatchStore& batches() { return batches_; }

 private:
  StatementBook sql_;  // before the stores, which borrow it
  JobQueue jobs_;
  WorkerRegistry workers_;
  JobAdmin admin_;
  JobSearch search_;
  ScheduleStore schedules_;
  AuditLog audit_;
  BatchStore batches_;
};

}  // namespace spawnq
