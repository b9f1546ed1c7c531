#include "cgroup_spawn.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace spawnq {
namespace {

constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;  // <linux/sched.h>, clashes with <sched.h>
constexpr std::size_t kChildStack = 64 * 1024;
constexpr int kKernelSigsetBytes = 8;

// struct clone_args of <linux/sched.h>, up to `cgroup` (CLONE_ARGS_SIZE_VER2).
struct CloneArgs {
  std::uint64_t flags = 0;
  std::uint64_t pidfd = 0;
  std::uint64_t child_tid = 0;
  std::uint64_t parent_tid = 0;
  std::uint64_t exit_signal = 0;
  std::uint64_t stack = 0;
  std::uint64_t stack_size = 0;
  std::uint64_t tls = 0;
  std::uint64_t set_tid = 0;
  std::uint64_t set_tid_size = 0;
  std::uint64_t cgroup = 0;
};

struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  std::uint64_t mask;
};

struct Request {
  const char* path;
  char* const* argv;
  char* const* envp;
  const std::array<int, 4>* fds;
  int error = 0;  // written by the child when execve fails
};

// Runs in the child, on its own stack, in the daemon's memory until execve:
// raw system calls only, nothing that allocates, locks or touches globals.
[[noreturn]] void child_main(Request* request) {
  // Every handler to default: a signal arriving before execve must not run
  // the daemon's handlers in shared memory, and SIG_IGN would outlive execve.
  // The parent blocked everything for us meanwhile.
  const KernelSigaction default_action{SIG_DFL, 0, nullptr, 0};
  for (int signal = 1; signal < 65; ++signal) {
    if (signal != SIGKILL && signal != SIGSTOP) {
      ::syscall(SYS_rt_sigaction, signal, &default_action, nullptr, kKernelSigsetBytes);
    }
  }
  const std::uint64_t empty = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, kKernelSigsetBytes);
  long rc = ::syscall(SYS_setpgid, 0, 0);
  for (int target = 0; target < 4 && rc == 0; ++target) {
    rc = ::syscall(SYS_dup2, (*request->fds)[static_cast<std::size_t>(target)], target);
    if (rc == target) rc = 0;
  }
  if (rc == 0) rc = ::syscall(SYS_close_range, 4, ~0U, 0);
  if (rc == 0) ::syscall(SYS_execve, request->path, request->argv, request->envp);
  request->error = errno;
  ::syscall(SYS_exit, 127);
  __builtin_unreachable();
}

// clone3 cannot be called through a C wrapper when the child gets a stack of
// its own: it would return into a frame that is not on that stack. The child
// side of this calls child_main(request) on the new stack and never returns.
long clone3_calling(CloneArgs* args, Request* request) {
#if defined(__x86_64__)
  long result;
  void (*entry)(Request*) = child_main;
  asm volatile(
      "syscall\n\t"
      "testq %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "xorl %%ebp, %%ebp\n\t"
      "movq %[request], %%rdi\n\t"
      "callq *%[entry]\n\t"
      "ud2\n"
      "1:\n\t"
      : "=a"(result)
      : "0"(static_cast<long>(SYS_clone3)), "D"(args), "S"(sizeof(CloneArgs)), [entry] "r"(entry),
        [request] "r"(request)
      : "rcx", "r11", "memory", "cc");
  if (result < 0) {
    errno = static_cast<int>(-result);
    return -1;
  }
  return result;
#else
  (void)args;
  (void)request;
  errno = ENOSYS;
  return -1;
#endif
}

// One stack serves every spawn: the daemon waits (CLONE_VFORK) until the
// child has exec'd or exited, and spawns only from its event loop thread.
void* child_stack() {
  static void* stack = [] {
    void* s = ::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    return s == MAP_FAILED ? nullptr : s;
  }();
  return stack;
}

}  // namespace

bool can_spawn_into_cgroup(std::string& why) {
#if defined(__x86_64__)
  (void)why;
  return true;
#else
  why = "starting a job inside its cgroup (clone3) is built for x86_64 only";
  return false;
#endif
}

pid_t spawn_into_cgroup(const char* path, char* const argv[], char* const envp[], const std::array<int, 4>& fds,
                        int cgroup_fd) {
  void* stack = child_stack();
  if (!stack) throw std::system_error(ENOMEM, std::generic_category(), "mmap (child stack)");
  Request request{path, argv, envp, &fds};
  CloneArgs args;
  args.flags = CLONE_VM | CLONE_VFORK | kCloneIntoCgroup;
  args.exit_signal = SIGCHLD;
  args.stack = reinterpret_cast<std::uint64_t>(stack);
  args.stack_size = kChildStack;
  args.cgroup = static_cast<std::uint64_t>(cgroup_fd);

  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  const long pid = clone3_calling(&args, &request);
  const int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) throw std::system_error(clone_error, std::generic_category(), "clone3 (into the job's cgroup)");
  if (request.error != 0) {
    ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
    throw std::system_error(request.error, std::generic_category(), std::string("execve ") + path);
  }
  return static_cast<pid_t>(pid);
}

}  // namespace spawnq
