// JobStore holds every SQL statement spawnq runs against spawnq.jobs and its
// companions, one named function per statement, each in its own short
// transaction (the schema's own bookkeeping lives in schema_migrator). It
// borrows one connection and is used by one thread at a time: the daemon's
// database thread, or an admin command's main thread.
//
// Writes about a running job are fenced by (job id, attempt, worker id): they
// change nothing once the job has been rescued, cancelled or re-claimed.
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

namespace spawnq {

struct EnqueueRequest {
  std::string job_type;
  std::string payload_json = "{}";
  std::string queue = "default";
  int priority = 5;
  // When it may first run: `run_at` (a timestamp PostgreSQL parses; no zone
  // means UTC), else now + `delay` by the database's clock, else now.
  std::optional<std::string> run_at;
  std::optional<std::chrono::milliseconds> delay;
  std::optional<int> max_attempts;
  std::optional<std::string> reference;
  std::optional<std::string> job_group;
  std::vector<JobId> after;  // dependencies: the job waits until all are done
};

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

struct RequeuedJob {
  JobId id = 0;
  std::string queue;
  JobStatus status = JobStatus::retry_wait;  // dead when attempts ran out, cancelled when asked to stop
  std::optional<WorkerId> worker;             // the daemon that lost it
};

// Where a daemon runs, for telling whether one on the same host is still alive.
struct WorkerIdentity {
  std::string host;
  int pid = 0;
  std::string boot_id;        // /proc/sys/kernel/random/boot_id
  std::string pid_namespace;  // the inode of /proc/self/ns/pid
};

struct WorkerRow {
  WorkerId id = 0;
  int pid = 0;
  std::string boot_id;
  std::string pid_namespace;
};

struct HeartbeatResult {
  bool registered = true;  // false: our row is gone (declared dead by another daemon)
  std::vector<JobId> cancel_requested;  // our running jobs someone asked to stop
  std::vector<std::string> paused;      // every paused queue, in case a notification was missed
};

struct CancelResult {
  enum class Kind { cancelled, not_found, running, finished } kind = Kind::not_found;
  JobStatus status = JobStatus::cancelled;  // the job's status when not cancelled
};

// One tick of a cron schedule, to be enqueued once across every daemon.
struct ScheduledTick {
  std::string schedule;
  std::chrono::sys_seconds tick;
  EnqueueRequest job;    // its reference is set to "<schedule>@<tick>"
  bool overlap = true;   // false: skip while the previous tick's job is live
};

struct TickResult {
  enum class Kind { enqueued, skipped, taken } kind = Kind::taken;  // taken: by another daemon
  JobId job = 0;                      // enqueued: the new job; skipped: none
  std::optional<JobStatus> previous;  // the status of the previous tick's job
};

// What the database knows of a schedule.
struct ScheduleState {
  std::string name;
  std::chrono::sys_seconds last_tick;
  std::optional<JobId> last_job;
  std::optional<JobStatus> last_status;
};

// Limits a claim enforces across every daemon (issue 7): per job type, at
// most `max_running` processing anywhere and `rate` starts per `per`; per
// queue, at most `global_max` processing. Empty: a plain claim.
struct TypeLimit {
  std::optional<int> max_running;
  std::optional<int> rate;
  std::chrono::milliseconds per{0};
};
struct ClaimLimits {
  std::map<std::string, TypeLimit> types;
  std::optional<int> global_max;
  bool empty() const { return types.empty() && !global_max; }
};

class JobStore {
 public:
  explicit JobStore(pqxx::connection& conn);

  // Returns the new job's id, or that of the live job holding the same
  // reference. A dependency that does not exist is a UsageError.
  JobId enqueue(const EnqueueRequest& request);

  // Takes the tick and enqueues its job in one transaction; exactly one
  // caller per (schedule, tick) gets `enqueued` or `skipped`.
  TickResult fire_tick(const ScheduledTick& tick);
  std::vector<ScheduleState> schedule_states(const std::vector<std::string>& names);

  // Claims up to `limit` runnable jobs of `queue` for `worker` (SKIP LOCKED;
  // priority DESC, available_at, id), counting the attempt and opening its
  // attempt row. A job without max_attempts gets `default_max_attempts`.
  std::vector<ClaimedJob> claim(const std::string& queue, int limit, WorkerId worker,
                                int default_max_attempts, const ClaimLimits& limits = {});

  // Writes how an attempt ended. False when the fence did not hold (the job
  // moved on meanwhile): nothing was written, and nothing should be retried.
  bool record(const AttemptRecord& record);
  // Many outcomes in one statement and one commit; one flag per record, in order.
  std::vector<bool> record_batch(const std::vector<AttemptRecord>& records);

  // Fenced like record(); false when the job has moved on.
  bool update_progress(JobId job, int attempt, WorkerId worker, double fraction);

  // Puts back jobs this worker holds in `queue` that are not in `running`: a
  // claim whose commit was lost with the connection may have taken rows the
  // daemon never heard of. They return to pending as if never claimed.
  std::vector<JobId> release_unknown_claims(WorkerId worker, const std::string& queue,
                                            const std::vector<JobId>& running);

  // One job as a claim would hand it over, whatever its status (for running
  // it by hand); nullopt when there is no such job. `attempt` is the next one.
  std::optional<ClaimedJob> load_job(JobId id, int default_max_attempts);
  std::optional<JobStatus> job_status(JobId id);

  // Records an attempt run by hand (job-runner --commit): a new attempt row
  // without a worker, and the job's next state. Refuses (false) a job that a
  // daemon holds or that has finished.
  bool record_manual(const AttemptRecord& record);

  WorkerId register_worker(const WorkerIdentity& identity, const std::vector<std::string>& queues,
                           const std::string& version);
  void remove_worker(WorkerId worker);
  HeartbeatResult heartbeat(WorkerId worker);
  // The other daemons registered on `host`.
  std::vector<WorkerRow> same_host_workers(const std::string& host, WorkerId self);
  // Deletes worker rows silent for `silent_for` (or named in `dead`) that hold no running job.
  // `self` (the caller's own worker) is never forgotten.
  std::vector<WorkerId> forget_workers(std::chrono::milliseconds silent_for, const std::vector<WorkerId>& dead,
                                       std::optional<WorkerId> self = std::nullopt);

  std::vector<QueueStats> stats(const std::optional<std::string>& queue);

  // Pausing and resuming a queue, with a notification on "spawnq_pause"
  // ("paused:Q" / "resumed:Q"). False when it already was in that state.
  bool set_queue_paused(const std::string& queue, bool paused);
  std::vector<std::string> paused_queues();
  // NOTIFY the queue's channel: every daemon serving it claims again.
  void wake_queue(const std::string& queue);
  std::optional<JobDetails> show(JobId id);

  // Returns processing jobs whose daemon has been silent for `silent_for`, is
  // gone, or is one of `dead`, to retry_wait, runnable at once; dead when
  // attempts ran out; cancelled when someone asked to stop them. Each rescue
  // closes the attempt as lost. Concurrent rescuers skip each other's rows.
  // Jobs of `self` (a daemon rescuing for others) are never taken for silent.
  std::vector<RequeuedJob> requeue_stuck(const std::optional<std::string>& queue,
                                         std::chrono::milliseconds silent_for,
                                         int default_max_attempts,
                                         const std::vector<WorkerId>& dead = {},
                                         std::optional<WorkerId> self = std::nullopt);

  // Makes failed/dead jobs pending again with attempts reset, oldest first.
  // Skips a job whose reference another live job holds now.
  std::vector<JobId> retry_failed(const std::optional<std::string>& queue,
                                  const std::vector<JobStatus>& statuses,
                                  std::optional<std::int64_t> limit);

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
  JobId enqueue_in(pqxx::work& w, const EnqueueRequest& request);

  pqxx::connection& conn_;
};

}  // namespace spawnq
