// How an attempt ended, decided from what the daemon saw: the exit status, the
// last result line on fd 3, whether the deadline or a shutdown cut it short.
// docs/SPEC.md §4 and §5 as one pure function, tested exhaustively without processes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "envelope.hpp"
#include "job.hpp"

namespace spawnq {

struct ExitStatus {
  bool signaled = false;  // killed by a signal rather than exited
  int value = 0;          // exit code, or signal number
};

struct AttemptFacts {
  ExitStatus exit;
  std::optional<ResultLine> result;    // the last result line, if any
  bool timed_out = false;              // the deadline fired
  bool interrupted = false;            // stopped by a daemon shutdown
  bool cancelled = false;              // stopped because someone cancelled the job
  std::chrono::milliseconds timeout{0};
  int attempt = 1;
  int max_attempts = 1;
  // A limit the job's cgroup saw it hit ("the job's memory limit (64M) was
  // reached: …"), added to the error of an attempt that did not succeed.
  std::optional<std::string> limit_hit = std::nullopt;
};

struct Decision {
  JobStatus next = JobStatus::done;
  AttemptOutcome outcome = AttemptOutcome::success;
  std::chrono::milliseconds delay{0};  // for retry_wait
  std::optional<std::string> error;
};

Decision decide_outcome(const AttemptFacts& facts,
                        const std::vector<std::chrono::milliseconds>& backoff);

// "exited with code 3", "killed by signal 11 (SIGSEGV)"
std::string describe_exit(const ExitStatus& exit);

}  // namespace spawnq
