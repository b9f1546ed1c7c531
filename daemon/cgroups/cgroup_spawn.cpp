#include "cgroup_spawn.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace spawnq {
namespace {

constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;  // <linux/sched.h>, clashes with <sched.h>
constexpr std::size_t kChildStack = 64 * 1024;
constexpr int kKernelSigsetBytes = 8;
constexpr int kExitSoftware = 70;  // the runner's code for "adopted: the supervisor is gone"

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

// One child's stack and everything it reads before execve, in our memory
// and owned by the pool below, not by the caller: the daemon does not wait
// for the exec, so the caller's strings may be gone by the time the child
// reads them.
struct LaunchPad {
  LaunchPad() = default;
  LaunchPad(const LaunchPad&) = delete;
  LaunchPad& operator=(const LaunchPad&) = delete;
  // At exit: a child still between clone and exec (a daemon dying with
  // children unreaped) keeps its stack; the process is ending anyway.
  ~LaunchPad() {
    if (stack && stack != MAP_FAILED && in_use.load(std::memory_order_acquire) == 0) ::munmap(stack, kChildStack);
  }

  // Set before the clone; the kernel zeroes it (CLONE_CHILD_CLEARTID) once
  // the child has left our memory, by execve or by exiting: then the pad is free.
  std::atomic<pid_t> in_use{0};
  void* stack = nullptr;
  std::string path;
  std::vector<std::string> strings;  // argv then envp
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::array<int, 4> fds{};
  std::optional<int> nice_value;  // the child's own, when it differs from ours
  char failure[160] = {};         // "spawnq: cannot start PATH: error " (the errno follows)
  std::size_t failure_length = 0;
  // A command handler's set-up, with each name the child may quote in a
  // result line already JSON-escaped: the child cannot allocate.
  std::optional<CommandSetup> command;
  std::string user_json, working_dir_json, program_json;
};
static_assert(std::is_same_v<gid_t, unsigned>, "RunAs::groups goes to setgroups as it is");
static_assert(std::atomic<pid_t>::is_always_lock_free, "the kernel writes the word directly");

#if defined(__x86_64__)
// A system call that leaves errno alone: errno lives in the daemon thread's
// TLS, which the child shares until execve. Returns -errno on failure.
long raw_syscall(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) {
  long result;
  register long r10 asm("r10") = a4;
  register long r8 asm("r8") = a5;
  asm volatile("syscall"
               : "=a"(result)
               : "0"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  return result;
}
#else
long raw_syscall(long, long = 0, long = 0, long = 0, long = 0, long = 0) { return -ENOSYS; }
#endif

// A failed set-up step of a command, said as job-runner says it: a result
// line on fd 3, which decides the outcome, and the same words on fd 1, the
// attempt's output tail. Built on the child's stack: a name too long for it
// is cut, and should the cut split an escape, the line is one the daemon logs
// and ignores (the exit code still decides).
class ChildFailure {
 public:
  explicit ChildFailure(bool retry) : retry_(retry) {
    add_json(retry ? "{\"result\":\"retry\",\"error\":\"" : "{\"result\":\"fail\",\"error\":\"");
    add_text("spawnq: ");
  }
  ChildFailure& say(const char* words) {
    add_json(words);
    add_text(words);
    return *this;
  }
  // `plain` as it is on fd 1, `escaped` inside the JSON string.
  ChildFailure& quote(const std::string& plain, const std::string& escaped) {
    add_json(escaped.c_str());
    add_text(plain.c_str());
    return *this;
  }
  [[noreturn]] void send(long rc) {
    const char* reason = ::strerrordesc_np(static_cast<int>(-rc));  // a table's entry: no locale, no allocation
    say(reason ? reason : "unknown error");
    add_json("\"}\n");
    add_text("\n");
    raw_syscall(SYS_write, 3, reinterpret_cast<long>(json_), static_cast<long>(json_length_));
    raw_syscall(SYS_write, 1, reinterpret_cast<long>(text_), static_cast<long>(text_length_));
    raw_syscall(SYS_exit, retry_ ? 75 : 65);  // EX_TEMPFAIL, EX_DATAERR: what the line says
    __builtin_unreachable();
  }

 private:
  static void append(char* buffer, std::size_t& length, std::size_t size, const char* words) {
    while (*words && length < size) buffer[length++] = *words++;
  }
  // Room is kept for the line's end.
  void add_json(const char* words) { append(json_, json_length_, sizeof json_ - 4, words); }
  void add_text(const char* words) { append(text_, text_length_, sizeof text_ - 2, words); }

  bool retry_;
  char json_[3072];
  char text_[3072];
  std::size_t json_length_ = 0;
  std::size_t text_length_ = 0;
};

// What job-runner would do before it execs a command (child/supervised_run.cpp),
// in the same order: the parent-death signal after the change of user, which
// clears it. Returns when the command may be exec'd; a failed step reports
// and exits.
void set_up_command(const LaunchPad* pad) {
  const CommandSetup& setup = *pad->command;
  for (const ResourceLimit& limit : setup.limits) {
    const rlimit value{limit.soft, limit.hard};
    if (const long rc = raw_syscall(SYS_prlimit64, 0, limit.resource, reinterpret_cast<long>(&value), 0); rc != 0) {
      ChildFailure(false).say("cannot apply the job's limits: setrlimit(").say(limit.name).say("): ").send(rc);
    }
  }
  if (const auto& run_as = setup.run_as) {
    auto step = [&](const char* name, long rc) {
      if (rc == 0) return;
      ChildFailure(false).say("cannot run as user ").quote(run_as->user, pad->user_json).say(": ").say(name).say(": ")
          .send(rc);
    };
    step("setgroups", raw_syscall(SYS_setgroups, static_cast<long>(run_as->groups.size()),
                                  reinterpret_cast<long>(run_as->groups.data())));
    step("setgid", raw_syscall(SYS_setgid, run_as->gid));
    step("setuid", raw_syscall(SYS_setuid, run_as->uid));
    step("PR_SET_NO_NEW_PRIVS", raw_syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
  }
  // Dies with the daemon, unless the daemon died before this was set.
  raw_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  if (raw_syscall(SYS_getppid) != setup.parent) raw_syscall(SYS_exit, kExitSoftware);
  if (!setup.working_dir.empty()) {
    if (const long rc = raw_syscall(SYS_chdir, reinterpret_cast<long>(setup.working_dir.c_str())); rc != 0) {
      ChildFailure(true).say("cannot enter ").quote(setup.working_dir, pad->working_dir_json).say(": ").send(rc);
    }
  }
}

// Runs in the child, on the pad's stack, in the daemon's memory and beside
// the running daemon until execve: raw system calls only, nothing that
// allocates, locks or writes anything but this stack.
[[noreturn]] void child_main(LaunchPad* pad) {
  // Every handler to default: a signal arriving before execve must not run
  // the daemon's handlers in shared memory, and SIG_IGN would outlive execve.
  // The parent blocked everything for us meanwhile.
  const KernelSigaction default_action{SIG_DFL, 0, nullptr, 0};
  for (long signal = 1; signal < 65; ++signal) {
    if (signal != SIGKILL && signal != SIGSTOP) {
      raw_syscall(SYS_rt_sigaction, signal, reinterpret_cast<long>(&default_action), 0, kKernelSigsetBytes);
    }
  }
  const std::uint64_t empty = 0;
  raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&empty), 0, kKernelSigsetBytes);
  if (pad->nice_value) raw_syscall(SYS_setpriority, PRIO_PROCESS, 0, *pad->nice_value);
  long rc = raw_syscall(SYS_setpgid, 0, 0);
  for (int target = 0; target < 4 && rc == 0; ++target) {
    rc = raw_syscall(SYS_dup2, pad->fds[static_cast<std::size_t>(target)], target);
    if (rc == target) rc = 0;
  }
  if (rc == 0) rc = raw_syscall(SYS_close_range, 4, ~0U, 0);
  if (rc == 0 && pad->command) set_up_command(pad);
  if (rc == 0) {
    rc = raw_syscall(SYS_execve, reinterpret_cast<long>(pad->path.c_str()), reinterpret_cast<long>(pad->argv.data()),
                     reinterpret_cast<long>(pad->envp.data()));
    // A deploy in progress may bring the program back: a retry, as the runner says.
    if (pad->command) ChildFailure(true).say("cannot run ").quote(pad->path, pad->program_json).say(": ").send(rc);
  }
  // Nobody waits for us: say why on the output pipe (the attempt's output
  // tail), and exit 127, a retry like any other runner that failed.
  char number[24];
  long digits = 0;
  for (unsigned long e = static_cast<unsigned long>(-rc); digits == 0 || e > 0; e /= 10) {
    number[sizeof number - 1 - static_cast<std::size_t>(digits++)] = static_cast<char>('0' + e % 10);
  }
  raw_syscall(SYS_write, 1, reinterpret_cast<long>(pad->failure), static_cast<long>(pad->failure_length));
  raw_syscall(SYS_write, 1, reinterpret_cast<long>(number + sizeof number - digits), digits);
  raw_syscall(SYS_write, 1, reinterpret_cast<long>("\n"), 1);
  raw_syscall(SYS_exit, 127);
  __builtin_unreachable();
}

// clone3 cannot be called through a C wrapper when the child gets a stack of
// its own: it would return into a frame that is not on that stack. The child
// side of this calls child_main(pad) on the new stack and never returns.
long clone3_calling(CloneArgs* args, LaunchPad* pad) {
#if defined(__x86_64__)
  long result;
  // Pinned to registers the syscall keeps and the child's set-up below does
  // not touch: with free choice the compiler may pick %rbp, which the child
  // zeroes (to end the backtrace) before it reads them.
  register void (*entry)(LaunchPad*) asm("r12") = child_main;
  register LaunchPad* child_pad asm("r13") = pad;
  asm volatile(
      "syscall\n\t"
      "testq %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "movq %%r13, %%rdi\n\t"
      "xorl %%ebp, %%ebp\n\t"
      "callq *%%r12\n\t"
      "ud2\n"
      "1:\n\t"
      : "=a"(result)
      : "0"(static_cast<long>(SYS_clone3)), "D"(args), "S"(sizeof(CloneArgs)), "r"(entry), "r"(child_pad)
      : "rcx", "r11", "memory", "cc");
  if (result < 0) {
    errno = static_cast<int>(-result);
    return -1;
  }
  return result;
#else
  (void)args;
  (void)pad;
  errno = ENOSYS;
  return -1;
#endif
}

// The pads, reused once free. Their number is the most children ever
// between clone and execve at once (a handful), not the number running.
// Loop thread only, as every spawn is.
LaunchPad& free_pad() {
  static std::vector<std::unique_ptr<LaunchPad>> pads;
  for (auto& pad : pads) {
    if (pad->in_use.load(std::memory_order_acquire) == 0) return *pad;
  }
  auto pad = std::make_unique<LaunchPad>();
  pad->stack = ::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (pad->stack == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap (child stack)");
  return *pads.emplace_back(std::move(pad));
}

std::string json_escaped(const std::string& text) {
  const std::string quoted = nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

void fill_command(LaunchPad& pad, const CommandSetup* command) {
  if (!command) {
    pad.command.reset();
    return;
  }
  pad.command = *command;
  pad.user_json = command->run_as ? json_escaped(command->run_as->user) : "";
  pad.working_dir_json = json_escaped(command->working_dir);
  pad.program_json = json_escaped(pad.path);
}

void fill(LaunchPad& pad, const char* path, char* const argv[], char* const envp[], const std::array<int, 4>& fds,
          int nice, const CommandSetup* command) {
  pad.path = path;
  pad.strings.clear();
  std::size_t argc = 0;
  for (; argv[argc]; ++argc) pad.strings.emplace_back(argv[argc]);
  for (std::size_t i = 0; envp[i]; ++i) pad.strings.emplace_back(envp[i]);
  pad.argv.clear();
  pad.envp.clear();
  for (std::size_t i = 0; i < pad.strings.size(); ++i) (i < argc ? pad.argv : pad.envp).push_back(pad.strings[i].data());
  pad.argv.push_back(nullptr);
  pad.envp.push_back(nullptr);
  pad.fds = fds;
  pad.nice_value.reset();
  if (nice > 0) {
    errno = 0;
    const int ours = ::getpriority(PRIO_PROCESS, 0);
    if (errno == 0) pad.nice_value = std::min(19, ours + nice);
  }
  const int n = std::snprintf(pad.failure, sizeof pad.failure, "spawnq: cannot start %s: error ", path);
  pad.failure_length = std::min(sizeof pad.failure - 1, static_cast<std::size_t>(std::max(n, 0)));
  fill_command(pad, command);
}

}  // namespace

bool can_spawn_detached(std::string& why) {
  if (!kSpawnsDetached) why = "starting a job inside its cgroup (clone3) is built for x86_64 only";
  return kSpawnsDetached;
}

pid_t spawn_detached(const char* path, char* const argv[], char* const envp[], const std::array<int, 4>& fds,
                     int cgroup_fd, int nice, const CommandSetup* command) {
  LaunchPad& pad = free_pad();
  fill(pad, path, argv, envp, fds, nice, command);
  CloneArgs args;
  args.flags = CLONE_VM | CLONE_CHILD_CLEARTID | (cgroup_fd >= 0 ? kCloneIntoCgroup : 0);
  args.child_tid = reinterpret_cast<std::uint64_t>(&pad.in_use);
  args.exit_signal = SIGCHLD;
  args.stack = reinterpret_cast<std::uint64_t>(pad.stack);
  args.stack_size = kChildStack;
  args.cgroup = cgroup_fd >= 0 ? static_cast<std::uint64_t>(cgroup_fd) : 0;

  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pad.in_use.store(1, std::memory_order_release);
  const long pid = clone3_calling(&args, &pad);
  const int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    pad.in_use.store(0, std::memory_order_release);  // no child: nobody reads it
    throw std::system_error(clone_error, std::generic_category(),
                            cgroup_fd >= 0 ? "clone3 (into the job's cgroup)" : "clone3");
  }
  return static_cast<pid_t>(pid);
}

}  // namespace spawnq
