#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <unordered_set>

#include "cgroup_spawn.hpp"
#include "job_cgroups.hpp"

namespace spawnq {
namespace {

constexpr std::size_t kTailBytes = 8192;
// A line longer than this is cut into pieces: a job that writes 50 MB without
// a newline must not grow the daemon.
constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxResultLine = 65536;
// How long pipes may stay open after the child exited (a grandchild that
// escaped its group can hold them) before the daemon stops waiting.
constexpr std::chrono::milliseconds kDrainLimit{1000};

// Direct children of live ChildProcess objects: reap_orphans() leaves them to
// their pidfd. Loop thread only.
std::unordered_set<pid_t>& direct_children() {
  static std::unordered_set<pid_t> pids;
  return pids;
}

[[noreturn]] void fail(const char* what, int error = errno) {
  throw std::system_error(error, std::generic_category(), what);
}

// Every descriptor of ours is close-on-exec; the child gets exactly 0-3 by
// dup2. One that happened to be numbered 0-3 itself would survive dup2 with
// its close-on-exec flag, so move it up first.
int above_three(int fd) {
  if (fd > 3) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 4);
  if (moved < 0) fail("fcntl(F_DUPFD_CLOEXEC)");
  ::close(fd);
  return moved;
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
    read = above_three(fds[0]);
    write = above_three(fds[1]);
  }
};

int envelope_memfd(const std::string& envelope) {
  const int fd = ::memfd_create("spawnq-envelope", MFD_CLOEXEC);
  if (fd < 0) fail("memfd_create");
  std::size_t written = 0;
  while (written < envelope.size()) {
    const ssize_t n = ::write(fd, envelope.data() + written, envelope.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write(memfd)");
    written += static_cast<std::size_t>(n);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) fail("lseek(memfd)");
  return above_three(fd);
}

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
  if (rc != 0) fail((std::string("posix_spawn ") + argv[0]).c_str(), rc);
  return pid;
}

// With a cgroup, the runner is born inside it (clone3), else posix_spawn;
// either way: default signals, empty mask, its own group, fds 0-3, execve.
pid_t spawn_runner(const ChildProcess::Options& options, const std::array<int, 4>& child_fds) {
  std::string job_flag = "--job-id=" + std::to_string(options.job_id);
  std::string supervised = "--supervised";
  std::string runner = options.runner;
  char* argv[] = {runner.data(), job_flag.data(), supervised.data(), nullptr};
  std::vector<char*> envp;
  envp.reserve(options.environment.size() + 1);
  for (const std::string& entry : options.environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  if (options.cgroup.path.empty()) return posix_spawn_runner(argv, envp.data(), child_fds);
  return spawn_into_cgroup(runner.c_str(), argv, envp.data(), child_fds, options.cgroup.folder_fd);
}

}  // namespace

struct ChildProcess::Stream {
  Stream(boost::asio::io_context& loop, int fd, bool results)
      : descriptor(loop, fd), is_results(results) {}
  boost::asio::posix::stream_descriptor descriptor;
  bool is_results;
  bool open = true;
  std::array<char, 8192> buffer{};
  std::string partial;
};

std::shared_ptr<ChildProcess> ChildProcess::create(boost::asio::io_context& loop, Callbacks callbacks) {
  return std::shared_ptr<ChildProcess>(new ChildProcess(loop, std::move(callbacks)));
}

ChildProcess::ChildProcess(boost::asio::io_context& loop, Callbacks callbacks)
    : loop_(loop),
      callbacks_(std::move(callbacks)),
      pidfd_(loop),
      deadline_(loop),
      grace_timer_(loop),
      drain_timer_(loop) {}

void ChildProcess::spawn(const Options& options) {
  const int input = envelope_memfd(options.envelope);
  // stdout and stderr share one pipe: the kept tail is both, interleaved as
  // written, and every job costs one pipe and one watched descriptor less.
  Pipe output;
  Pipe results;
  try {
    pid_ = spawn_runner(options, {input, output.write, output.write, results.write});
  } catch (...) {
    for (int fd : {input, output.read, output.write, results.read, results.write}) ::close(fd);
    throw;
  }
  for (int fd : {input, output.write, results.write}) ::close(fd);
  direct_children().insert(pid_);
  state_ = State::running;
  started_ = std::chrono::steady_clock::now();
  grace_ = options.sigterm_grace;
  cgroup_ = options.cgroup;

  streams_.push_back(std::make_unique<Stream>(loop_, output.read, false));
  streams_.push_back(std::make_unique<Stream>(loop_, results.read, true));
  for (auto& stream : streams_) read(*stream);

  // glibc 2.36's <sys/pidfd.h> lacks extern "C", so call the kernel directly.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd < 0) {
    // Cannot watch it: do not leave it running unwatched.
    signal_group(SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    direct_children().erase(pid_);
    fail("pidfd_open");
  }
  pidfd_.assign(above_three(pidfd));
  pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [self = shared_from_this()](const boost::system::error_code& ec) {
                      if (!ec) self->handle(Event::child_exited);
                    });
  deadline_.expires_after(options.timeout);
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->handle(Event::deadline);
  });
}

void ChildProcess::interrupt(std::chrono::milliseconds grace) {
  grace_ = std::min(grace_, grace);
  handle(Event::interrupt);
}

// The one place that decides what each event means in each state.
void ChildProcess::handle(Event event) {
  switch (event) {
    case Event::deadline:
    case Event::interrupt:
      if (state_ != State::running) {
        // Already on the ladder (its deadline passed): a timeout stays a timeout.
        const bool on_ladder = state_ == State::term_sent || state_ == State::kill_sent;
        if (event == Event::interrupt && on_ladder && !exit_.timed_out) exit_.interrupted = true;
        return;
      }
      (event == Event::deadline ? exit_.timed_out : exit_.interrupted) = true;
      signal_group(SIGTERM);
      state_ = State::term_sent;
      grace_timer_.expires_after(grace_);
      grace_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->handle(Event::grace_over);
      });
      return;
    case Event::grace_over:
      if (state_ != State::term_sent) return;
      signal_group(SIGKILL);
      state_ = State::kill_sent;
      return;
    case Event::child_exited:
      if (state_ == State::exited || state_ == State::finished) return;
      reap();
      state_ = State::exited;
      deadline_.cancel();
      grace_timer_.cancel();
      drain_timer_.expires_after(kDrainLimit);
      drain_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->handle(Event::drain_over);
      });
      [[fallthrough]];
    case Event::pipe_closed:
      if (state_ != State::exited) return;
      for (const auto& stream : streams_) {
        if (stream->open) return;
      }
      finish();
      return;
    case Event::drain_over:
      if (state_ == State::exited) finish();
      return;
  }
}

void ChildProcess::signal_group(int signal) {
  // The runner leads its group, so its pid names the group. It is not reaped
  // yet whenever this is called, so the group id cannot have been reused.
  ::kill(-pid_, signal);
  if (cgroup_.path.empty()) return;
  if (signal == SIGKILL) {
    kill_cgroup(cgroup_.path);
    exit_.cgroup_killed = true;
  } else {
    signal_cgroup(cgroup_.path, pid_, signal);
  }
}

void ChildProcess::reap() {
  if (cgroup_.counts_limits) exit_.cgroup_events = read_cgroup_events(cgroup_.path);
  // Whatever the runner left in its group dies now, while the runner's
  // zombie still pins the group id…
  ::kill(-pid_, SIGKILL);
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(pidfd_.native_handle()), &info, WEXITED) != 0 &&
         errno == EINTR) {
  }
  // …and whatever else is left in its cgroup (escapers of the group) too.
  // Only then: a slot that saw cgroup.kill cannot be reused.
  if (!cgroup_.path.empty() && cgroup_populated(cgroup_)) {
    kill_cgroup(cgroup_.path);
    exit_.cgroup_killed = true;
  }
  direct_children().erase(pid_);
  exit_.status = info.si_code == CLD_EXITED ? ExitStatus{false, info.si_status}
                                            : ExitStatus{true, info.si_status};
  exit_.elapsed = std::chrono::steady_clock::now() - started_;
  boost::system::error_code ignored;
  pidfd_.close(ignored);
  reap_orphans();
}

void ChildProcess::finish() {
  state_ = State::finished;
  drain_timer_.cancel();
  for (auto& stream : streams_) {
    boost::system::error_code ignored;
    if (!stream->partial.empty()) on_line(*stream, stream->partial);
    stream->partial.clear();
    stream->descriptor.close(ignored);
    stream->open = false;
  }
  callbacks_.on_exit(exit_);
}

void ChildProcess::read(Stream& stream) {
  stream.descriptor.async_read_some(
      boost::asio::buffer(stream.buffer),
      [self = shared_from_this(), &stream](const boost::system::error_code& ec, std::size_t n) {
        if (self->state_ == State::finished) return;
        if (ec) {
          stream.open = false;
          self->handle(Event::pipe_closed);
          return;
        }
        self->consume(stream, std::string_view(stream.buffer.data(), n));
        self->read(stream);
      });
}

void ChildProcess::consume(Stream& stream, std::string_view bytes) {
  if (!stream.is_results) {
    exit_.output_tail.append(bytes);
    if (exit_.output_tail.size() > 2 * kTailBytes) {
      exit_.output_tail.erase(0, exit_.output_tail.size() - kTailBytes);
    }
  }
  const std::size_t limit = stream.is_results ? kMaxResultLine : kMaxLine;
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::size_t take =
        std::min(newline == std::string_view::npos ? bytes.size() : newline, limit - stream.partial.size());
    stream.partial.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    const bool line_ended = !bytes.empty() && bytes.front() == '\n';
    if (line_ended) bytes.remove_prefix(1);
    if (line_ended || stream.partial.size() >= limit) {
      on_line(stream, stream.partial);
      stream.partial.clear();
    }
  }
}

void ChildProcess::on_line(Stream& stream, std::string_view line) {
  if (!stream.is_results) {
    callbacks_.on_output(line);
    return;
  }
  if (line.empty()) return;
  std::string why;
  const auto message = parse_child_message(line, why);
  if (!message) {
    callbacks_.on_bad_line(line, why);
  } else if (const auto* result = std::get_if<ResultLine>(&*message)) {
    exit_.result = *result;
  } else {
    callbacks_.on_progress(std::get<ProgressLine>(*message));
  }
}

void reap_orphans() {
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    // A direct child is reaped through its pidfd, which calls us again after.
    if (direct_children().count(info.si_pid)) return;
    ::waitpid(info.si_pid, nullptr, WNOHANG);
  }
}

}  // namespace spawnq
