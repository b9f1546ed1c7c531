// Starting one job-runner the way docs/SPEC.md §4 promises: its envelope on stdin (a
// memfd), stdout and stderr on one pipe, the result channel on fd 3, exactly
// those four descriptors, default signal dispositions, an empty mask, a
// process group of its own, `nice` steps below the daemon. It is started
// without waiting for its exec (clone3, cgroup_spawn), born inside its cgroup
// when it has one; posix_spawn (without nice) where clone3 is not built. The
// daemon's ends of the pipes come back owned; nothing is left open if any
// step fails.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace spawnq {

struct RunnerLaunch {
  std::string runner;  // the job-runner to exec
  std::int64_t job_id = 0;
  std::string envelope;
  std::vector<std::string> environment;
  int cgroup_fd = -1;  // the job's cgroup folder, borrowed; -1: none
  int nice = 0;        // added to the daemon's nice value (up to 19)
};

struct SpawnedRunner {
  pid_t pid = -1;
  UniqueFd output;   // read end of stdout+stderr
  UniqueFd results;  // read end of fd 3
};

// Throws std::system_error when the runner cannot be started.
SpawnedRunner spawn_runner(const RunnerLaunch& launch);

}  // namespace spawnq
