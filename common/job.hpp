// The job model shared by the daemon, the admin commands and the tests: job
// statuses (docs/SPEC.md §3.2) and the plain values that cross the job store. No I/O.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spawnq {

using JobId = std::int64_t;
using WorkerId = std::int64_t;

enum class JobStatus { pending, processing, retry_wait, done, failed, dead, cancelled };

inline constexpr std::array<JobStatus, 7> kAllStatuses = {
    JobStatus::pending, JobStatus::processing, JobStatus::retry_wait, JobStatus::done,
    JobStatus::failed,  JobStatus::dead,       JobStatus::cancelled};

std::string_view to_string(JobStatus status);
std::optional<JobStatus> parse_job_status(std::string_view text);
// done, failed, dead and cancelled: spawnq never runs such a job again by itself.
bool is_terminal(JobStatus status);

// Queue names become NOTIFY channel names ("spawnq:" + name, at most 63
// bytes): 1-56 characters of A-Z a-z 0-9 _ . -; sql/001_init.sql checks the same.
bool valid_queue_name(std::string_view name);

// How a queue shares its workers between job groups (fair_by: group,
// group_max_workers), as each daemon publishes it for the console.
struct QueueShares {
  bool fair_by_group = false;
  std::optional<int> group_max_workers;
  bool operator==(const QueueShares&) const = default;
};

// What a claim hands to the coordinator: everything needed to run one attempt.
struct ClaimedJob {
  JobId id = 0;
  std::string queue;
  std::string job_type;
  std::string payload;  // JSON text, as stored
  int priority = 5;
  int attempt = 0;       // this attempt's number, starting at 1
  int max_attempts = 0;  // resolved: the row's, else the queue default
  std::optional<std::string> reference;
  std::optional<std::string> job_group;
};

// How one attempt ended, as the attempt row records it.
enum class AttemptOutcome { success, retry, fail, timeout, lost, cancelled };
std::string_view to_string(AttemptOutcome outcome);

// Everything written when an attempt ends: the job's next state and the
// attempt's record. The write is fenced by (job_id, attempt, worker_id).
struct AttemptRecord {
  JobId job_id = 0;
  int attempt = 0;
  WorkerId worker_id = 0;
  JobStatus next_status = JobStatus::done;      // done, retry_wait, failed or dead
  std::chrono::milliseconds retry_delay{0};     // for retry_wait
  AttemptOutcome outcome = AttemptOutcome::success;
  std::optional<int> pid;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<std::string> error;
  std::string output_tail;
};

}  // namespace spawnq
