// Drain is the daemon's way out (docs/SPEC.md §6), one phase at a time, every event
// through one switch as in ChildProcess:
//
//   serving ──requested──▶ waiting ──shutdown_timeout / second Ctrl-C──▶ stopping
//                             │                                            │
//                             └────────── no child left ──▶ flushing ◀─────┘
//                                                              │
//   outcomes written ──▶ finished(0);  database out of reach for shutdown_timeout ──▶ finished(1)
//
// waiting: nothing more is claimed, running jobs go on. stopping: they got
// SIGTERM, SIGKILL after sigterm_grace. flushing: children are gone and
// their outcomes are being written; only while the database is out of reach
// does the clock run, for a bounded while: what is still unwritten then is
// left to another daemon's stuck-job rescue. Event loop only.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace spawnq {

class Drain {
 public:
  enum class Phase { serving, waiting, stopping, flushing, finished };
  enum class Event { requested, second_interrupt, timed_out, check };

  struct Hooks {
    std::function<std::size_t()> running;  // children alive
    std::function<bool()> settled;         // no child, no claim in flight, every outcome written
    std::function<bool()> can_write;       // the outcome writes' connection is up
    std::function<void()> stop_claiming;
    std::function<void()> stop_jobs;       // SIGTERM now, SIGKILL after sigterm_grace
    std::function<void(int exit_code)> finished;
  };

  Drain(boost::asio::io_context& loop, std::chrono::milliseconds shutdown_timeout, Hooks hooks);

  void handle(Event event);
  void stop();  // cancels its timers; safe twice
  Phase phase() const { return phase_; }
  bool active() const { return phase_ != Phase::serving; }

 private:
  void arm_check();
  void report_progress();

  Hooks hooks_;
  const std::chrono::milliseconds shutdown_timeout_;
  Phase phase_ = Phase::serving;
  boost::asio::steady_timer shutdown_timer_;
  boost::asio::steady_timer check_timer_;
  std::chrono::steady_clock::time_point flushing_since_{};
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace spawnq
