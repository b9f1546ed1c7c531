// ChildProcess is one running job-runner and everything the daemon holds of
// it: its pid and pidfd, its process group, the pipe of stdout and stderr (one,
// shared), the result channel (fd 3), its deadline, and the SIGTERM → SIGKILL ladder.
// It reaps its own child (waitid on the pidfd) and kills the whole process
// group as soon as the child exits, so grandchildren die with their job; with
// a cgroup, every signal reaches the cgroup's members too (setsid escapers).
// Orphans re-parented to the daemon (a child subreaper) are reaped by
// reap_orphans(), called on SIGCHLD. Everything here runs on the event loop.
//
// States: running → term_sent → kill_sent → exited (draining pipes) →
// finished. Every event goes through one switch in the .cpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/outcome.hpp"
#include "common/unique_fd.hpp"
#include "daemon/cgroups/cgroup_lease.hpp"
#include "daemon/process/runner_spawn.hpp"

namespace spawnq {

class ChildProcess : public std::enable_shared_from_this<ChildProcess> {
 public:
  enum class State { idle, running, term_sent, kill_sent, exited, finished };

  struct Exit {
    ExitStatus status;
    bool timed_out = false;
    bool interrupted = false;
    std::optional<ResultLine> result;  // the last result line on fd 3
    std::string output_tail;           // the last kOutputTailBytes of stdout and stderr
    std::chrono::steady_clock::duration elapsed{};
    bool counts_limits = false;        // it had a cgroup that counts limit hits…
    JobCgroupEvents limit_hits;        // …and these are what it recorded during the job
  };

  struct Callbacks {
    std::function<void(std::string_view line)> on_output;  // a line of stdout or stderr
    std::function<void(const ProgressLine&)> on_progress;
    std::function<void(std::string_view line, const std::string& why)> on_bad_line;
    std::function<void(const Exit&)> on_exit;  // exactly once
  };

  struct Options {
    std::string runner;
    std::int64_t job_id = 0;
    std::string envelope;
    std::vector<std::string> environment;
    std::chrono::milliseconds timeout{0};
    std::chrono::milliseconds sigterm_grace{0};
    CgroupLease cgroup;  // the job's cgroup, which the runner is born in; empty: none
    int nice = 0;        // how much nicer than the daemon the runner runs
    std::optional<DirectCommand> command{};  // a command handler, exec'd in the runner's place
    // How the child is watched; a test may put a failing one here.
    UniqueFd (*open_pidfd)(pid_t) = &spawnq::open_pidfd;
  };

  static std::shared_ptr<ChildProcess> create(boost::asio::io_context& loop, Callbacks callbacks);

  // Starts the child; throws std::system_error when it cannot be started,
  // and then nothing of it is left: not the child, not its fds, and its
  // cgroup lease went back to the pool.
  void spawn(Options options);
  // Shutdown: SIGTERM to the group now, SIGKILL after `grace`.
  void interrupt(std::chrono::milliseconds grace);

  pid_t pid() const { return pid_; }
  State state() const { return state_; }

 private:
  enum class Event { deadline, interrupt, grace_over, child_exited, pipe_closed, drain_over };
  struct Stream;

  ChildProcess(boost::asio::io_context& loop, Callbacks callbacks);
  void handle(Event event);
  void signal_group(int signal);
  void reap();
  void finish();
  void read(Stream& stream);
  void consume(Stream& stream, std::string_view bytes);
  void on_line(Stream& stream, std::string_view line);

  boost::asio::io_context& loop_;
  Callbacks callbacks_;
  State state_ = State::idle;
  pid_t pid_ = -1;
  CgroupLease cgroup_;  // given back once the child is reaped
  std::chrono::milliseconds grace_{0};
  std::chrono::steady_clock::time_point started_;
  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer grace_timer_;
  boost::asio::steady_timer drain_timer_;
  std::vector<std::unique_ptr<Stream>> streams_;  // stdout+stderr (one pipe), results
  Exit exit_;
};

// Reaps exited processes that are not direct children of a ChildProcess
// (grandchildren re-parented to us). Safe to call at any time on the loop.
void reap_orphans();

}  // namespace spawnq
