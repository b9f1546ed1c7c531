// Starting a runner without waiting for it: clone3 with CLONE_VM (so that
// the daemon's size does not matter, as with posix_spawn) and a stack of its
// own, but not CLONE_VFORK: the event loop goes on while the child sets up
// its fds and execs, instead of sleeping until the scheduler has run it that
// far (on a busy host most of a spawn's time). Its stack and what it reads
// stay ours until the kernel says it left (CLONE_CHILD_CLEARTID). With a
// cgroup the child is born inside it (CLONE_INTO_CGROUP): moving a process
// into a cgroup after it started takes a lock that waits for an RCU grace
// period (~20 ms here) whenever migrations are rare. The child does exactly
// what ChildProcess asks of posix_spawn: signals to default, empty mask, its
// nice value, a process group of its own, fds 0-3 from `fds`, everything
// else closed, execve; if any of that fails it says so on fd 1 and exits 127.
//
// A command handler is exec'd by this child itself, not by a job-runner that
// would only exec it in turn: one exec per job instead of two. The child then
// first does what the runner would have done (child/supervised_run.cpp), in
// the runner's words: the job's resource limits, its user, the parent-death
// signal, its working folder; a step that fails writes the runner's result
// line on fd 3 (fail for limits and user, retry for the folder and the exec).
#pragma once

#include <sys/types.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/envelope.hpp"
#include "common/resource_limits.hpp"

namespace spawnq {

struct CommandSetup {
  std::vector<ResourceLimit> limits;
  std::optional<RunAs> run_as;
  std::string working_dir;  // empty: the daemon's
  pid_t parent = 0;         // the daemon: a child adopted by another exits 70, as the runner does
};

// False where this build cannot (clone3 needs a hand-written entry per CPU
// architecture; x86_64 only); `why` says so.
#if defined(__x86_64__)
inline constexpr bool kSpawnsDetached = true;
#else
inline constexpr bool kSpawnsDetached = false;
#endif
bool can_spawn_detached(std::string& why);

// The child's pid, cloned into `cgroup_fd` unless that is -1, running `nice`
// steps nicer than we do (capped at 19), set up for a command when `command`
// is given; throws std::system_error when the clone fails. Loop thread only.
pid_t spawn_detached(const char* path, char* const argv[], char* const envp[], const std::array<int, 4>& fds,
                     int cgroup_fd, int nice, const CommandSetup* command = nullptr);

}  // namespace spawnq
