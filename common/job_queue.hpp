// JobQueue is the part of JobStore for jobs and claims: enqueueing, claiming, recording outcomes (fenced by job, attempt and worker), progress, and the job as a runner gets it. One named function per statement,
// each in its own short transaction; the statements are in job_queue_sql.cpp.
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

struct EnqueueRequest {
  std::string job_type;
  std::string payload_json = "{}";
  std::string queue = "default";
  std::optional<int> priority;  // none: the database's default (5)
  // When it may first run: `run_at` (a timestamp PostgreSQL parses; no zone
  // means UTC), else now + `delay` by the database's clock, else now.
  std::optional<std::string> run_at;
  std::optional<std::chrono::milliseconds> delay;
  std::optional<int> max_attempts;
  std::optional<std::string> reference;
  std::optional<std::string> job_group;
  std::vector<JobId> after;  // dependencies: the job waits until all are done
  // With a reference: a job of the queue with that reference created within
  // this long, whatever its status, answers instead of a new one.
  std::optional<std::chrono::milliseconds> unique_for;
  std::optional<std::int64_t> batch;  // joins this open batch (BatchStore)
};

// Limits a claim enforces across every daemon (issue 7): per job type, at
// most `max_running` processing anywhere and `rate` starts per `per`; per
// queue, at most `global_max` processing, and per job group of the queue at
// most `group_max`. Empty: a plain claim. `fair`: the claim takes jobs
// round-robin across job groups (fair_rank) instead of by available_at.
struct TypeLimit {
  std::optional<int> max_running;
  std::optional<int> rate;
  std::chrono::milliseconds per{0};
};
struct ClaimLimits {
  std::map<std::string, TypeLimit> types;
  std::optional<int> global_max;
  std::optional<int> group_max;
  bool fair = false;
  bool empty() const { return types.empty() && !global_max && !group_max; }
};

// What a claim fills into a job that has no max_attempts of its own: its
// handler's for its type, else the queue's (`queue_level`: "queue" when the
// queue's entry set it, "default" when it is the global default). The claim
// records which in max_attempts_from (migration 013).
struct MaxAttempts {
  MaxAttempts(int queue_value = 5) : queue(queue_value) {}  // NOLINT: a bare number is the queue's
  int queue;
  std::string queue_level = "default";
  std::map<std::string, int> types;
};

class JobQueue {
 public:
  JobQueue(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  // Returns the new job's id, or that of the live job holding the same
  // reference (or, with unique_for, of the newest job with it within the
  // window). A dependency or batch that does not exist is a UsageError.
  JobId enqueue(const EnqueueRequest& request);

  // How many of `free` slots one claim asks for: claim_batch(free) where the
  // statements are prepared; all of them behind a transaction pooler.
  int claim_size(int free) const;

  // Claims up to `limit` runnable jobs of `queue` for `worker` (SKIP LOCKED;
  // priority DESC, then available_at or, when `limits.fair`, fair_rank; id), counting the attempt and opening its
  // attempt row. A job without max_attempts gets one from `max_attempts`.
  std::vector<ClaimedJob> claim(const std::string& queue, int limit, WorkerId worker,
                                const MaxAttempts& max_attempts, const ClaimLimits& limits = {});

  // Writes how an attempt ended. False when the fence did not hold (the job
  // moved on meanwhile): nothing was written, and nothing should be retried.
  bool record(const AttemptRecord& record);

  // Many outcomes in one statement and one commit; one flag per record, in order.
  std::vector<bool> record_batch(const std::vector<AttemptRecord>& records);

  // Fenced like record(); false when the job has moved on.
  bool update_progress(JobId job, int attempt, WorkerId worker, double fraction,
                       const std::optional<std::string>& message = std::nullopt);

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

  // Enqueues within `w` (a schedule tick enqueues in its own transaction).
  JobId enqueue_in(pqxx::work& w, const EnqueueRequest& request);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

// The claim sizes with statements of their own, the limit written in: the
// powers of two up to kLargestClaimBatch. The plan cache keeps one generic
// plan for each, where a claim of `LIMIT $2` is planned anew on every run once
// there is a backlog (job_queue_sql.cpp says why).
inline constexpr int kLargestClaimBatch = 1024;

// The largest of those sizes not above `free` (at least 1): a claim of 13
// free slots asks for 8, and the claim after it for the rest.
int claim_batch(int free);

// The statement of a claim of exactly `size` jobs, one of those sizes, with
// `limits` (plain, fair, with limits, or both).
const char* claim_statement(int size, const ClaimLimits& limits);

const std::vector<Statement>& job_queue_statements();

}  // namespace spawnq
