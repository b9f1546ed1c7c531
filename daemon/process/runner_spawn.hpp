// Starting one job-runner the way docs/SPEC.md §4 promises: its envelope on stdin (a
// memfd), stdout and stderr on one pipe, the result channel on fd 3, exactly
// those four descriptors, default signal dispositions, an empty mask, a
// process group of its own, `nice` steps below the daemon. It is started
// without waiting for its exec (clone3, cgroup_spawn), born inside its cgroup
// when it has one; posix_spawn (without nice) where clone3 is not built. A
// command handler is exec'd in the runner's place where clone3 is built, its
// payload on stdin (cgroup_spawn.hpp says why and how). The daemon's ends of
// the pipes come back owned; nothing is left open if any step fails.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "daemon/cgroups/cgroup_spawn.hpp"

namespace spawnq {

// A command handler, to exec instead of the runner that would exec it.
struct DirectCommand {
  std::vector<std::string> argv;  // argv[0] an absolute path (the config resolved it)
  std::string payload;            // stdin, as the runner would have handed it on
  CommandSetup setup;
};

struct RunnerLaunch {
  std::string runner;  // the job-runner to exec
  std::int64_t job_id = 0;
  std::string envelope;
  std::vector<std::string> environment;
  int cgroup_fd = -1;  // the job's cgroup folder, borrowed; -1: none
  int nice = 0;        // added to the daemon's nice value (up to 19)
  // Set for a command handler; `runner` and `envelope` are then the way
  // round where this build cannot exec the command itself.
  std::optional<DirectCommand> command{};
};

struct SpawnedRunner {
  pid_t pid = -1;
  UniqueFd output;   // read end of stdout+stderr
  UniqueFd results;  // read end of fd 3
};

// Throws std::system_error when the runner cannot be started.
SpawnedRunner spawn_runner(const RunnerLaunch& launch);

}  // namespace spawnq
