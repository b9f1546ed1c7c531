// The runner the fault-injection suite runs its jobs with: spawnq's built-ins
// plus `effect`, a handler that writes a side-effect log ("start ID ATTEMPT
// PID" when it begins, "end ID ATTEMPT" when it completes) to $EFFECTS_LOG, so
// tests can prove from the outside which jobs ran to completion, and how often.
// Its payload can make it misbehave in the ways the suite needs.
#include <fcntl.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "spawnq/runner.hpp"

namespace {

void append(const std::string& line) {
  const char* path = std::getenv("EFFECTS_LOG");
  if (!path) throw spawnq::PermanentError("EFFECTS_LOG is not set");
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw spawnq::RetryableError("cannot open EFFECTS_LOG");
  const std::string text = line + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw spawnq::RetryableError("cannot write EFFECTS_LOG");
}

void effect(const spawnq::Job& job, spawnq::Context&) {
  const auto& p = job.payload;
  const std::string id = std::to_string(job.id) + " " + std::to_string(job.attempt);
  append("start " + id + " " + std::to_string(::getpid()));
  if (p.value("crash_until", 0) > job.attempt) ::raise(SIGSEGV);
  if (p.value("ignore_term", false)) ::signal(SIGTERM, SIG_IGN);
  if (p.value("grandchild", false)) {
    // Outlives its parent unless the daemon kills the job's process group.
    const pid_t child = ::fork();
    if (child == 0) {
      ::execl("/bin/sleep", "sleep", "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    append("grandchild " + std::to_string(job.id) + " " + std::to_string(child));
  }
  if (p.value("escape", false)) {
    // A new session and no parent: out of reach of the job's process group.
    // The job goes on only once the escaper has logged its pid.
    int logged[2];
    if (::pipe(logged) != 0) throw spawnq::RetryableError("pipe");
    const pid_t child = ::fork();
    if (child == 0) {
      ::setsid();
      if (::fork() != 0) ::_exit(0);
      append("escaper " + std::to_string(job.id) + " " + std::to_string(::getpid()));
      (void)!::write(logged[1], "x", 1);
      ::execl("/bin/sleep", "sleep", "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(logged[1]);
    char byte = 0;
    (void)!::read(logged[0], &byte, 1);
    ::close(logged[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
  }
  if (p.value("show_cgroup", false)) {
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    while (std::getline(self, line)) {
      if (line.rfind("0::", 0) == 0) append("cgroup " + std::to_string(job.id) + " " + line.substr(3));
    }
  }
  if (p.value("close_fd3", false)) ::close(3);
  if (p.value("garbage", false)) {
    (void)!::write(3, "\x01garbage{{\n{\"result\":\"perhaps\"}\n", 32);
  }
  for (int mb = 0; mb < p.value("flood_mb", 0); ++mb) {
    static const std::string block(1 << 20, 'x');
    (void)!::write(1, block.data(), block.size());
  }
  if (p.contains("flood_mb")) (void)!::write(1, "\nflood over\n", 12);
  if (p.contains("allocate_mb")) {
    // Touch every page, so the memory is really taken.
    std::vector<char> block(static_cast<std::size_t>(p.value("allocate_mb", 0)) << 20, 'x');
    append("allocated " + id + " " + std::to_string(block.size()));
  }
  if (p.value("spin", false)) {
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;  // burns CPU until RLIMIT_CPU stops it
  }
  if (p.value("whoami", false)) {
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    rlimit core{};
    ::getrlimit(RLIMIT_CORE, &core);
    append("whoami " + id + " uid=" + std::to_string(::getuid()) + " gid=" + std::to_string(::getgid()) +
           " nofile=" + std::to_string(files.rlim_cur) + " core=" + std::to_string(core.rlim_cur));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(p.value("seconds", 0.0)));
  append("end " + id);
}

}  // namespace

int main(int argc, char** argv) {
  spawnq::Registry registry;
  spawnq::add_builtin_handlers(registry);
  registry.add("effect", effect);
  return spawnq::run_main(argc, argv, registry);
}
