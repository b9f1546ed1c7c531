#include "dashboard.hpp"

#include "common/unique_fd.hpp"

#include <ncurses.h>
#include <unistd.h>

#include <ctime>
#include <fmt/format.h>

namespace spawnq {
namespace {

std::int64_t depth(const QueueSnapshot& q, JobStatus status) {
  const auto it = q.depth.find(status);
  return it == q.depth.end() ? 0 : it->second;
}

void line(int row, const std::string& text, bool bold = false) {
  if (row >= LINES) return;
  if (bold) attron(A_BOLD);
  mvaddnstr(row, 0, text.c_str(), COLS);
  if (bold) attroff(A_BOLD);
}

}  // namespace

Dashboard::Dashboard(boost::asio::io_context& loop, std::function<DaemonSnapshot()> snapshot,
                     const Metrics& metrics, std::function<void()> quit)
    : snapshot_(std::move(snapshot)), metrics_(metrics), quit_(std::move(quit)), timer_(loop), keys_(loop) {}

Dashboard::~Dashboard() { stop(); }

void Dashboard::start() {
  initscr();
  cbreak();  // keys at once; Ctrl-C still interrupts the daemon
  noecho();
  nodelay(stdscr, TRUE);
  keypad(stdscr, TRUE);
  curs_set(0);
  running_ = true;
  keys_.assign(dup_cloexec(STDIN_FILENO).release());  // a child must not inherit our terminal input
  draw();
  tick();
  watch_keys();
}

void Dashboard::stop() {
  if (!running_) return;
  running_ = false;
  timer_.cancel();
  boost::system::error_code ignored;
  keys_.cancel(ignored);
  keys_.close(ignored);
  endwin();
}

void Dashboard::tick() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    draw();
    tick();
  });
}

void Dashboard::watch_keys() {
  keys_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    for (int key; (key = getch()) != ERR;) {
      if (key == 'q' || key == 'Q') quit_();
      if (key == '\t' || key == KEY_RIGHT || key == 'n') ++selected_;
      if (key == KEY_BTAB || key == KEY_LEFT || key == 'p') selected_ += snapshot_().queues.size() - 1;
    }
    draw();
    watch_keys();
  });
}

void Dashboard::draw() {
  if (!running_) return;
  const DaemonSnapshot s = snapshot_();
  if (!s.queues.empty()) selected_ %= s.queues.size();
  erase();
  const std::time_t now = std::time(nullptr);
  char clock[16];
  std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&now));
  line(0, fmt::format("spawnq {}  worker {} on {} pid {}  database {}{}   {}", s.version,
                      s.worker ? std::to_string(*s.worker) : "-", s.host, s.pid,
                      s.seconds_since_database < 5 ? "ok" : fmt::format("silent {:.0f}s", s.seconds_since_database),
                      s.draining ? "  DRAINING" : "", clock),
       true);
  line(1, "q: drain and quit   Tab: next queue");
  line(3, fmt::format("  {:<20} {:>9} {:>8} {:>8} {:>12} {:>12} {:>12} {:>7}", "QUEUE", "RUNNING", "PENDING",
                      "RETRY", "DONE 1m/1h", "FAILED 1m/1h", "DEAD 1m/1h", "JOBS/S"),
       true);
  int row = 4;
  for (std::size_t i = 0; i < s.queues.size(); ++i) {
    const QueueSnapshot& q = s.queues[i];
    const auto minute = metrics_.recent(q.name, 60);
    const auto hour = metrics_.recent(q.name, 3600);
    const double rate = static_cast<double>(metrics_.recent(q.name, 10).total()) / 10.0;
    line(row++, fmt::format("{} {:<20} {:>9} {:>8} {:>8} {:>12} {:>12} {:>12} {:>7.1f}", i == selected_ ? '>' : ' ',
                            q.paused ? q.name + " (paused)" : q.name,
                            fmt::format("{}/{}", q.running.size(), q.max_workers),
                            depth(q, JobStatus::pending), depth(q, JobStatus::retry_wait),
                            fmt::format("{}/{}", minute.done, hour.done), fmt::format("{}/{}", minute.failed, hour.failed),
                            fmt::format("{}/{}", minute.dead, hour.dead), rate));
  }
  if (!s.queues.empty()) {
    const QueueSnapshot& q = s.queues[selected_];
    row++;
    line(row++, fmt::format("Running in {} ({} of {})", q.name, q.running.size(), q.max_workers), true);
    line(row++, fmt::format("  {:>10} {:<24} {:>8} {:>7} {:>9} {:>8}", "JOB", "TYPE", "PID", "ATTEMPT", "ELAPSED",
                            "PROGRESS"));
    for (const auto& job : q.running) {
      line(row++, fmt::format("  {:>10} {:<24.24} {:>8} {:>7} {:>8.1f}s {:>8}", job.id, job.job_type, job.pid,
                              job.attempt, job.elapsed_s,
                              job.progress ? fmt::format("{:.0f}%", *job.progress * 100) : "-"));
    }
  }
  refresh();
}

}  // namespace spawnq
