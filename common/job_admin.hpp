// JobAdmin is the part of JobStore for what operators ask and change: counts, one job in full, pause and resume, cancel, retry, retention and cleanup. One named function per statement,
// each in its own short transaction; the statements are in job_admin_sql.cpp.
// It borrows the JobStore's connection and is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "job.hpp"
#include "statement.hpp"

namespace spawnq {

struct QueueStats {
  std::string queue;
  std::map<JobStatus, std::int64_t> counts;  // only statuses with jobs
  // How long the longest-waiting runnable job (pending or retry_wait whose
  // time has come) has waited, by the database's clock.
  std::optional<double> oldest_pending_age_s;
};

struct JobDetails {
  nlohmann::ordered_json job;       // the spawnq.jobs row, in column order
  nlohmann::ordered_json attempts;  // spawnq.job_attempts rows, oldest first
};

struct CancelResult {
  enum class Kind { cancelled, not_found, running, finished } kind = Kind::not_found;
  JobStatus status = JobStatus::cancelled;  // the job's status when not cancelled
};

// What became of one job of `spawnq retry`, `delete` or a bulk action, with
// what explains a refusal.
struct JobActionResult {
  JobId id = 0;
  bool changed = false;                    // re-queued, deleted, or cancelled
  bool stopping = false;                   // cancel: running, its daemon asked to stop it
  std::optional<JobStatus> status;         // before the action; nullopt: no such job
  std::optional<JobId> reference_holder;   // retry: the live job that holds its reference now
  std::int64_t waiting = 0;                // delete: jobs that wait for it
};

class JobAdmin {
 public:
  JobAdmin(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  std::vector<QueueStats> stats(const std::optional<std::string>& queue);

  // Pausing and resuming a queue, with a notification on "spawnq_pause"
  // ("paused:Q" / "resumed:Q"). False when it already was in that state.
  bool set_queue_paused(const std::string& queue, bool paused);

  std::vector<std::string> paused_queues();

  // NOTIFY the queue's channel: every daemon serving it claims again.
  void wake_queue(const std::string& queue);

  std::optional<JobDetails> show(JobId id);

  // Puts failed, dead and cancelled jobs back in the queue with attempts
  // reset (and runs a retry_wait job now, attempts kept), in the order
  // given. A job whose reference another live job holds stays as it is.
  std::vector<JobActionResult> retry_jobs(const std::vector<JobId>& ids);

  // Deletes jobs with their attempts, unless one is running (cancel it
  // first) or other jobs wait for it (cancel it, which cancels them too).
  std::vector<JobActionResult> delete_jobs(const std::vector<JobId>& ids);

  // Cancels the waiting jobs among these (pending, retry_wait) and asks the
  // daemons running the others to stop them (as request_cancel does),
  // without waiting; a finished job stays as it is.
  std::vector<JobActionResult> cancel_jobs(const std::vector<JobId>& ids);

  // Cancels a job that is not running (pending or retry_wait). For a running
  // one, use request_cancel().
  CancelResult cancel(JobId id);

  // Asks the daemon running the job to stop it (NOTIFY spawnq_cancel). Returns
  // the owning worker, or nullopt when the job is not processing.
  std::optional<std::optional<WorkerId>> request_cancel(JobId id);

  // Deletes jobs in `statuses` finished more than `older_than` ago, in batches
  // of `batch_size` rows per transaction so no lock is held for long.
  // One batch of the retention sweep: deletes up to `batch_size` jobs of
  // `status` finished before `older_than` ago, under a transaction-level
  // advisory lock so that one daemon sweeps at a time. nullopt: another
  // daemon holds the lock right now.
  std::optional<std::int64_t> sweep_expired(JobStatus status, std::chrono::milliseconds older_than,
                                            int batch_size);

  std::int64_t cleanup(std::chrono::milliseconds older_than, const std::vector<JobStatus>& statuses,
                       int batch_size = 5000);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& job_admin_statements();

}  // namespace spawnq
