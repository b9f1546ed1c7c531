#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cerrno>
#include <unordered_set>

namespace spawnq {
namespace {

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

void ChildProcess::spawn(Options options) {
  cgroup_ = std::move(options.cgroup);
  SpawnedRunner runner = spawn_runner(RunnerLaunch{options.runner, options.job_id, std::move(options.envelope),
                                                   std::move(options.environment),
                                                   cgroup_ ? cgroup_.folder_fd() : -1, options.nice,
                                                   std::move(options.command)});
  pid_ = runner.pid;
  direct_children().insert(pid_);
  UniqueFd pidfd;
  try {
    pidfd = options.open_pidfd(pid_);
  } catch (...) {
    // Cannot watch it: do not leave it running unwatched. The lease saw the
    // kill, so its slot is not handed to the next job.
    signal_group(SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    direct_children().erase(pid_);
    cgroup_.give_back();
    throw;
  }
  state_ = State::running;
  started_ = std::chrono::steady_clock::now();
  grace_ = options.sigterm_grace;

  streams_.push_back(std::make_unique<Stream>(loop_, runner.output.release(), false));
  streams_.push_back(std::make_unique<Stream>(loop_, runner.results.release(), true));
  for (auto& stream : streams_) read(*stream);
  pidfd_.assign(pidfd.release());
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
  cgroup_.signal_members(pid_, signal);
}

void ChildProcess::reap() {
  exit_.counts_limits = cgroup_ && cgroup_.counts_limits();
  exit_.limit_hits = cgroup_.limit_hits();
  // Whatever the runner left in its group dies now, while the runner's
  // zombie still pins the group id…
  ::kill(-pid_, SIGKILL);
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(pidfd_.native_handle()), &info, WEXITED) != 0 &&
         errno == EINTR) {
  }
  // …and whatever else is left in its cgroup (escapers of the group) too.
  // Only then: a slot that saw cgroup.kill cannot be reused.
  if (cgroup_.populated()) cgroup_.kill();
  cgroup_.give_back();
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
    if (exit_.output_tail.size() > 2 * kOutputTailBytes) {
      exit_.output_tail.erase(0, exit_.output_tail.size() - kOutputTailBytes);
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
