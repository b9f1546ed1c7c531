// Starting a runner directly inside its job's cgroup: clone3 with
// CLONE_INTO_CGROUP, and vfork semantics (CLONE_VM | CLONE_VFORK, a stack of
// its own) so that the daemon's size does not matter, as with posix_spawn.
// Moving a process into a cgroup after it started takes a lock that waits for
// an RCU grace period (~20 ms here) whenever migrations are rare; a process
// born inside takes no such lock. The child does exactly what ChildProcess
// asks of posix_spawn: signals to default, empty mask, a process group of its
// own, fds 0-3 from `fds`, everything else closed, execve.
#pragma once

#include <sys/types.h>

#include <array>
#include <string>

namespace spawnq {

// False where this build cannot (clone3 needs a hand-written entry per CPU
// architecture; x86_64 only); `why` says so.
bool can_spawn_into_cgroup(std::string& why);

// The child's pid once it has exec'd; throws std::system_error (with the
// execve errno when the exec failed, the child then already reaped).
pid_t spawn_into_cgroup(const char* path, char* const argv[], char* const envp[], const std::array<int, 4>& fds,
                        int cgroup_fd);

}  // namespace spawnq
