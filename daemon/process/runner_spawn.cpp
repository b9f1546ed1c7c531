#include "runner_spawn.hpp"

#include <signal.h>
#include <spawn.h>

#include <array>
#include <system_error>

#include "common/envelope.hpp"
#include "daemon/cgroups/cgroup_spawn.hpp"

namespace spawnq {
namespace {

pid_t posix_spawn_runner(char* const argv[], char* const envp[], const std::array<int, 4>& child_fds) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int target = 0; target < 4; ++target) {
    posix_spawn_file_actions_adddup2(&actions, child_fds[static_cast<std::size_t>(target)], target);
  }
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);  // a group of its own, led by the runner
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), std::string("posix_spawn ") + argv[0]);
  return pid;
}

}  // namespace

SpawnedRunner spawn_runner(const RunnerLaunch& launch) {
  const DirectCommand* command = launch.command && kSpawnsDetached ? &*launch.command : nullptr;
  const UniqueFd input = command ? make_memfd("spawnq-payload", command->payload)
                                 : make_memfd("spawnq-envelope", launch.envelope);
  // stdout and stderr share one pipe: the kept tail is both, interleaved as
  // written, and every job costs one pipe and one watched descriptor less.
  PipeFds output = make_pipe();
  PipeFds results = make_pipe();
  static_assert(kResultFd == 3, "the runner's fds are 0-3, the result channel last");
  const std::array<int, 4> child_fds{input.get(), output.write.get(), output.write.get(), results.write.get()};

  std::vector<std::string> runner_argv{launch.runner, "--job-id=" + std::to_string(launch.job_id), "--supervised"};
  const std::vector<std::string>& program = command ? command->argv : runner_argv;
  std::vector<char*> argv;
  argv.reserve(program.size() + 1);
  for (const std::string& word : program) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  envp.reserve(launch.environment.size() + 1);
  for (const std::string& entry : launch.environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = kSpawnsDetached
                        ? spawn_detached(argv[0], argv.data(), envp.data(), child_fds, launch.cgroup_fd, launch.nice,
                                         command ? &command->setup : nullptr)
                        : posix_spawn_runner(argv.data(), envp.data(), child_fds);
  // The child's ends (and the memfd) close here; ours go to the caller.
  return SpawnedRunner{pid, std::move(output.read), std::move(results.read)};
}

}  // namespace spawnq
