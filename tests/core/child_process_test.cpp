// daemon/process/child_process with real processes: the kill ladder, the
// output tail, and the path where the child cannot be watched.
#include "daemon/process/child_process.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/envelope.hpp"
#include "daemon/cgroups/cgroup_location.hpp"
#include "daemon/cgroups/job_cgroups.hpp"

using namespace spawnq;
using namespace std::chrono_literals;

namespace {

// A "runner" that is a shell script: ChildProcess execs whatever it is given.
struct Script {
  std::string path;
  explicit Script(const std::string& body) {
    path = std::filesystem::temp_directory_path() / ("spawnq-child-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(std::hash<std::string>{}(body)) + ".sh");
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
  }
  ~Script() { std::filesystem::remove(path); }
};

struct Run {
  boost::asio::io_context loop;
  std::optional<ChildProcess::Exit> exit;
  std::shared_ptr<ChildProcess> child = ChildProcess::create(
      loop, ChildProcess::Callbacks{[](std::string_view) {}, [](const ProgressLine&) {},
                                    [](std::string_view, const std::string&) {},
                                    [this](const ChildProcess::Exit& e) {
                                      exit = e;
                                      loop.stop();
                                    }});
  ChildProcess::Options options(const Script& script, std::chrono::milliseconds timeout,
                                std::chrono::milliseconds grace) {
    return ChildProcess::Options{script.path, 1, "{}", {"PATH=/usr/bin:/bin"}, timeout, grace, {}};
  }
};

// Runs `body` as a child to its end; nullopt if it did not end in 10 s.
std::optional<ChildProcess::Exit> run_to_exit(const std::string& body, std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds grace) {
  Script script(body);
  Run run;
  run.child->spawn(run.options(script, timeout, grace));
  run.loop.run_for(10s);
  if (run.exit) CHECK(run.child->state() == ChildProcess::State::finished);
  return run.exit;
}

UniqueFd cannot_watch(pid_t) { throw std::system_error(EMFILE, std::generic_category(), "pidfd_open"); }

}  // namespace

TEST_CASE("core: a child that ignores SIGTERM is killed after the grace period") {
  const auto exit = run_to_exit("trap '' TERM\nwhile :; do sleep 0.05; done", 200ms, 300ms);
  REQUIRE(exit.has_value());
  CHECK(exit->timed_out);
  CHECK(exit->status.signaled);
  CHECK(exit->status.value == SIGKILL);
  CHECK(exit->elapsed >= 500ms);
}

TEST_CASE("core: a child that stops on SIGTERM is not killed") {
  const auto exit = run_to_exit("trap 'exit 3' TERM\nwhile :; do sleep 0.05; done", 200ms, 5s);
  REQUIRE(exit.has_value());
  CHECK(exit->timed_out);
  CHECK_FALSE(exit->status.signaled);
  CHECK(exit->status.value == 3);
  CHECK(exit->elapsed < 5s);
}

TEST_CASE("core: the output tail keeps the end of stdout and stderr, bounded") {
  const auto exit = run_to_exit(
      "i=0; while [ $i -lt 3000 ]; do echo \"line $i of the output\"; i=$((i+1)); done; echo END >&2", 10s, 1s);
  REQUIRE(exit.has_value());
  CHECK(exit->status.value == 0);
  CHECK(exit->output_tail.size() <= 2 * kOutputTailBytes);
  CHECK(exit->output_tail.size() >= kOutputTailBytes);
  CHECK(exit->output_tail.ends_with("line 2999 of the output\nEND\n"));
}

TEST_CASE("core: the runner starts as promised: nicer by job_nice, its own group, no mask, no ignored signals") {
  // The parent ignores one signal, blocks another and catches a third: none of it may reach the runner.
  struct sigaction caught {};
  caught.sa_handler = [](int) {};
  struct sigaction old_usr1 {};
  ::sigaction(SIGUSR1, &caught, &old_usr1);
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t blocked, old_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR2);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &old_mask);
  // The script execs at once, so what cat reads is the runner's state as spawned: a shell that ran a command
  // first would show its own mask, which it blocks in full around every fork and clears afterwards.
  Script script("exec cat /proc/self/stat /proc/self/status");
  Run run;
  ChildProcess::Options options = run.options(script, 10s, 1s);
  options.nice = 3;
  errno = 0;
  const int ours = ::getpriority(PRIO_PROCESS, 0);
  run.child->spawn(std::move(options));
  run.loop.run_for(10s);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGUSR1, &old_usr1, nullptr);
  std::signal(SIGPIPE, SIG_DFL);
  REQUIRE(run.exit.has_value());
  CHECK(run.exit->status.value == 0);
  const std::string& out = run.exit->output_tail;
  // /proc/PID/stat: "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice …"; the fields after the comm are counted from the last ')'.
  const std::string stat_line = out.substr(0, out.find('\n'));
  std::istringstream stat(stat_line.substr(stat_line.rfind(") ") + 2));
  std::vector<std::string> fields{std::istream_iterator<std::string>(stat), {}};
  REQUIRE(fields.size() > 16);
  const std::string pid = stat_line.substr(0, stat_line.find(' '));
  CHECK(fields[2] == pid);  // pgrp: a group of its own
  CHECK(fields[16] == std::to_string(std::min(19, ours + 3)));
  CHECK_THAT(out, Catch::Contains("SigBlk:\t0000000000000000"));
  CHECK_THAT(out, Catch::Contains("SigIgn:\t0000000000000000"));
}

TEST_CASE("core: a runner that cannot be exec'd exits 127 and its output tail says why") {
  Script script("exit 0");
  ::chmod(script.path.c_str(), 0644);  // there, but not executable: execve fails with EACCES
  Run run;
  run.child->spawn(run.options(script, 10s, 1s));
  run.loop.run_for(10s);
  REQUIRE(run.exit.has_value());
  CHECK_FALSE(run.exit->status.signaled);
  CHECK(run.exit->status.value == 127);
  CHECK(run.exit->output_tail == "spawnq: cannot start " + script.path + ": error " + std::to_string(EACCES) + "\n");
}

TEST_CASE("core: a child that cannot be watched is killed and reaped, and its cgroup slot is not reused") {
  Script script("sleep 30");
  Run run;
  std::string why;
  auto cgroups = JobCgroups::open(run.loop, locate_cgroup_base(std::nullopt), why);
  ChildProcess::Options options = run.options(script, 10s, 1s);
  options.open_pidfd = &cannot_watch;
  std::string first_slot;
  if (cgroups) {
    options.cgroup = cgroups->acquire(JobLimits{});
    first_slot = options.cgroup.path();
  } else {
    WARN("no per-job cgroups on this host (" << why << "): only the kill and reap are checked");
  }
  CHECK_THROWS_AS(run.child->spawn(std::move(options)), std::system_error);
  const pid_t pid = run.child->pid();
  REQUIRE(pid > 0);
  CHECK(::kill(pid, 0) != 0);  // killed and reaped: not even a zombie is left
  CHECK(errno == ESRCH);
  if (cgroups) {
    // The slot saw cgroup.kill: a child cloned into it now would die at birth.
    const CgroupLease next = cgroups->acquire(JobLimits{});
    CHECK(next.path() != first_slot);
  }
}
