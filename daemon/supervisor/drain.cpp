#include "drain.hpp"

#include <spdlog/spdlog.h>

#include "config/duration.hpp"

namespace spawnq {
namespace {

constexpr std::chrono::milliseconds kCheckEvery{50};
constexpr std::chrono::seconds kReportEvery{5};

}  // namespace

Drain::Drain(boost::asio::io_context& loop, std::chrono::milliseconds shutdown_timeout, Hooks hooks)
    : hooks_(std::move(hooks)), shutdown_timeout_(shutdown_timeout), shutdown_timer_(loop), check_timer_(loop) {}

// The one place that decides what each event means in each phase.
void Drain::handle(Event event) {
  switch (event) {
    case Event::requested:
      if (phase_ != Phase::serving) {
        spdlog::info("already draining ({} job(s) running)", hooks_.running());
        return;
      }
      phase_ = Phase::waiting;
      spdlog::info("draining: claiming nothing more; waiting up to {} for {} running job(s)",
                   format_duration(shutdown_timeout_), hooks_.running());
      hooks_.stop_claiming();
      shutdown_timer_.expires_after(shutdown_timeout_);
      shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) handle(Event::timed_out);
      });
      return handle(Event::check);
    case Event::second_interrupt:
    case Event::timed_out:
      if (phase_ != Phase::waiting) {
        if (event == Event::second_interrupt && phase_ != Phase::finished) {
          spdlog::info("already draining ({} job(s) running)", hooks_.running());
        }
        return;
      }
      phase_ = Phase::stopping;
      if (event == Event::second_interrupt) spdlog::warn("second interrupt: stopping running jobs now");
      if (hooks_.running() > 0) spdlog::warn("stopping {} running job(s): SIGTERM now, then SIGKILL", hooks_.running());
      hooks_.stop_jobs();
      return;
    case Event::check:
      if (phase_ == Phase::serving || phase_ == Phase::finished) return;
      if (hooks_.settled()) {
        phase_ = Phase::finished;
        return hooks_.finished(0);
      }
      if (hooks_.running() == 0 && phase_ != Phase::flushing) {
        phase_ = Phase::flushing;
        flushing_since_ = std::chrono::steady_clock::now();
      }
      // Writing a thousand outcomes takes a while; only an unreachable
      // database may make us give up on them (shutdown_timeout may be 0),
      // and the clock counts from when it was last reachable.
      if (phase_ == Phase::flushing && hooks_.can_write()) {
        flushing_since_ = std::chrono::steady_clock::now();
      } else if (phase_ == Phase::flushing &&
                 std::chrono::steady_clock::now() - flushing_since_ > shutdown_timeout_) {
        spdlog::error("exiting with outcome(s) unwritten: the database is unreachable; "
                      "their jobs will be rescued as stuck");
        phase_ = Phase::finished;
        return hooks_.finished(1);
      }
      report_progress();
      return arm_check();
  }
}

void Drain::report_progress() {
  const auto now = std::chrono::steady_clock::now();
  if (hooks_.running() == 0 || now - last_report_ < kReportEvery) return;
  if (last_report_ != std::chrono::steady_clock::time_point{}) {
    spdlog::info("draining: still waiting for {} running job(s)", hooks_.running());
  }
  last_report_ = now;
}

void Drain::arm_check() {
  check_timer_.expires_after(kCheckEvery);
  check_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) handle(Event::check);
  });
}

void Drain::stop() {
  shutdown_timer_.cancel();
  check_timer_.cancel();
}

}  // namespace spawnq
