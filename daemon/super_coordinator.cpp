#include "super_coordinator.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include <spdlog/spdlog.h>

#include "common/connection.hpp"
#include "common/errors.hpp"
#include "common/log.hpp"
#include "spawnq/version.hpp"
#include "worker_identity.hpp"

extern char** environ;

namespace spawnq {
namespace {

constexpr std::chrono::milliseconds kDrainCheck{50};
constexpr std::chrono::seconds kDrainReport{5};

// A daemon started with a closed stdin/stdout/stderr would hand those numbers
// to its own pipes and sockets; keep 0-2 taken.
void keep_standard_fds_open() {
  for (int fd = 0; fd < 3; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) ::open("/dev/null", O_RDWR);
  }
}

}  // namespace

SuperCoordinator::SuperCoordinator(Config config, std::vector<QueueConfig> queues, std::string runner,
                                   bool dashboard)
    : config_(std::move(config)),
      metrics_(kVersion),
      runner_(std::move(runner)),
      base_environment_(job_base_environment(environ)),
      cgroups_(open_job_cgroups(loop_, config_.cgroups)),
      signals_(loop_),
      db_(loop_, config_.database_url),
      outcomes_(db_),
      identity_(this_worker()),
      resolver_(loop_, db_, config_),
      scheduler_(loop_, db_, served_schedules(config_, queues)),
      sweeper_(loop_, db_, config_.retention),
      notifier_(loop_),
      contact_timer_(loop_),
      count_timer_(loop_),
      heartbeat_timer_(loop_),
      shutdown_timer_(loop_),
      drain_check_timer_(loop_) {
  std::vector<std::string> names;
  for (QueueConfig& queue : queues) {
    names.push_back(queue.name);
    coordinators_.push_back(std::make_unique<QueueCoordinator>(
        loop_, db_, outcomes_, QueueCoordinator::Settings{queue, &config_, runner_, &base_environment_, &metrics_,
                                                           cgroups_.get()}));
    metrics_.configure_queue(queue.name, queue.max_workers);
  }
  listener_ = std::make_unique<NotificationListener>(
      loop_, config_.database_url, names, [this](const std::string& queue) {
        for (auto& coordinator : coordinators_) {
          if (coordinator->name() == queue) coordinator->wake();
        }
      },
      [this](JobId id) {
        for (auto& coordinator : coordinators_) {
          if (coordinator->cancel(id)) return;
        }
      },
      [this](const std::string& queue, bool paused) {
        for (auto& coordinator : coordinators_) {
          if (coordinator->name() == queue) coordinator->set_paused(paused);
        }
      });
  if (dashboard) {
    dashboard_ = std::make_unique<Dashboard>(loop_, [this] { return snapshot(); }, metrics_, [this] {
      if (!draining_) begin_drain();
    });
  }
  db_.on_reconnect([this] {
    for (auto& coordinator : coordinators_) coordinator->database_back();
  });
}

SuperCoordinator::~SuperCoordinator() {
  listener_->stop();
  db_.stop();
}

int SuperCoordinator::run() {
  start();
  loop_.run();
  return exit_code_;
}

void SuperCoordinator::start() {
  keep_standard_fds_open();
  // Writing to a pipe whose job is gone must be an error, not our death.
  std::signal(SIGPIPE, SIG_IGN);
  // Grandchildren whose parent job exits are re-parented to us and reaped
  // here, instead of becoming init's problem.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGCHLD);
  signals_.add(SIGHUP);
  watch_signals();
  std::string queues;
  for (const auto& coordinator : coordinators_) {
    queues += fmt::format("{}{}", queues.empty() ? "" : " ", coordinator->name());
  }
  spdlog::info("spawnq {} starting: pid={} queues=[{}] runner={}", kVersion, ::getpid(), queues, runner_);
  db_.start();
  listener_->start();
  register_worker();
  watch_database_contact();
  if (config_.http_listen) start_http();
  if (dashboard_) {
    dashboard_->start();
    if (!http_) count_queues();
  }
}

void SuperCoordinator::start_http() {
  http_ = std::make_unique<HttpServer>(
      loop_, *config_.http_listen,
      std::map<std::string, HttpRoute>{
          {"/metrics",
           [this] {
             metrics_.set_database_errors(db_.errors());
             metrics_.set_database_up(db_.connected());
             metrics_.set_depth(depth_);
             return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()};
           }},
          {"/healthz",
           [this] {
             const double allowed = std::max(3 * std::chrono::duration<double>(config_.heartbeat_interval).count(), 5.0);
             return health_reply(snapshot(), allowed);
           }},
          {"/status", [this] { return HttpReply{200, "application/json", status_json(snapshot())}; }}});
  try {
    http_->start();
  } catch (const std::system_error& e) {
    throw RuntimeFailure("http.listen " + *config_.http_listen + ": cannot listen: " + e.code().message());
  }
  count_queues();
}

// Queue depths for /metrics, /status and the dashboard. Counting scans the
// table, so it runs only when someone watches, and not often.
void SuperCoordinator::count_queues() {
  db_.post<std::vector<QueueStats>>(
      [](JobStore& store) { return store.stats(std::nullopt); },
      [this](std::vector<QueueStats> all) {
        depth_.clear();
        for (const QueueStats& q : all) {
          for (const auto& [status, count] : q.counts) depth_[{q.queue, status}] = count;
        }
      },
      [](std::exception_ptr) {}, OnOutage::fail);
  count_timer_.expires_after(std::chrono::seconds(5));
  count_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) count_queues();
  });
}

DaemonSnapshot SuperCoordinator::snapshot() const {
  DaemonSnapshot s;
  s.version = kVersion;
  s.worker = worker_;
  s.host = identity_.host;
  s.pid = identity_.pid;
  s.draining = draining_;
  s.seconds_since_database = std::chrono::duration<double>(std::chrono::steady_clock::now() - db_.last_contact()).count();
  for (const auto& coordinator : coordinators_) {
    QueueSnapshot q{coordinator->name(), coordinator->max_workers(), coordinator->paused(),
                    coordinator->running_jobs(), {}};
    for (const auto& [key, count] : depth_) {
      if (key.first == q.name) q.depth[key.second] = count;
    }
    s.queues.push_back(std::move(q));
  }
  return s;
}

void SuperCoordinator::watch_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    on_signal(signal);
    watch_signals();
  });
}

void SuperCoordinator::register_worker() {
  std::vector<std::string> names;
  for (const auto& coordinator : coordinators_) names.push_back(coordinator->name());
  const WorkerIdentity identity = identity_;
  db_.post<WorkerId>(
      [=](JobStore& store) { return store.register_worker(identity, names, kVersion); },
      [this](WorkerId worker) {
        worker_ = worker;
        if (draining_) return check_drained();
        spdlog::info("worker={} registered: host={} pid={}", worker, identity_.host, identity_.pid);
        if (coordinators_started_) {
          for (const auto& coordinator : coordinators_) coordinator->set_worker(worker);
          resolver_.set_self(worker);
          return;
        }
        coordinators_started_ = true;
        for (const auto& coordinator : coordinators_) {
          coordinator->start(worker);
          spdlog::info("queue={} serving: max_workers={}", coordinator->name(),
                       config_.settings_for(coordinator->name()).max_workers);
        }
        resolver_.start(worker, identity_);
        scheduler_.start();
        sweeper_.start();
        db_.post<std::vector<std::string>>([](JobStore& store) { return store.paused_queues(); },
                                           [this](std::vector<std::string> paused) { apply_paused(paused); },
                                           [](std::exception_ptr) {}, OnOutage::fail);
        heartbeat();
        notifier_.ready("serving " + std::to_string(coordinators_.size()) + " queue(s) as worker " +
                        std::to_string(worker));
      },
      [this](std::exception_ptr error) {
        // Not an outage (those are waited out): the schema is missing or older than this spawnq.
        spdlog::critical("cannot register this daemon in spawnq.workers ({}); run `spawnq migrate`",
                         describe_error(error));
        finish(1);
      },
      OnOutage::keep);
}

void SuperCoordinator::heartbeat() {
  heartbeat_timer_.expires_after(config_.heartbeat_interval);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    heartbeat();
    if (!worker_) return;  // registering anew
    const WorkerId worker = *worker_;
    db_.post<HeartbeatResult>(
        [worker](JobStore& store) { return store.heartbeat(worker); },
        [this, worker](HeartbeatResult result) {
          if (!result.registered && worker_ == worker) return declared_dead();
          // Catches cancel requests and pauses whose notification was missed.
          for (JobId id : result.cancel_requested) {
            for (auto& coordinator : coordinators_) coordinator->cancel(id);
          }
          apply_paused(result.paused);
        },
        [](std::exception_ptr) {}, OnOutage::fail);
  });
}

void SuperCoordinator::apply_paused(const std::vector<std::string>& paused) {
  for (auto& coordinator : coordinators_) {
    coordinator->set_paused(std::find(paused.begin(), paused.end(), coordinator->name()) != paused.end());
  }
}

// Another daemon found us silent for stuck_job_timeout and gave our jobs
// back: they may run elsewhere now, so ours must stop, and our outcomes for
// them will be refused by the fence. Then we register anew and go on.
void SuperCoordinator::declared_dead() {
  spdlog::error("worker={} was declared dead by another daemon (silent too long): stopping {} running "
                "job(s) and registering anew", *worker_, running());
  worker_.reset();
  for (auto& coordinator : coordinators_) coordinator->interrupt(config_.sigterm_grace);
  register_worker();
}

// SPEC §6: a daemon cut off from the database for longer than
// stuck_job_timeout stops its children, whose jobs others may have rescued.
void SuperCoordinator::watch_database_contact() {
  contact_timer_.expires_after(std::chrono::seconds(1));
  contact_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    // Heartbeats reach the database every heartbeat_interval, so a longer
    // silence means it is out of reach, not that we had nothing to say.
    const auto silent = std::chrono::steady_clock::now() - db_.last_contact();
    if (!cut_off_ && silent > config_.stuck_job_timeout) {
      cut_off_ = true;
      spdlog::error("no database contact for {}s (more than stuck_job_timeout): stopping {} running job(s), "
                    "which other daemons may rescue; claiming nothing until it is back",
                    std::chrono::duration_cast<std::chrono::seconds>(silent).count(), running());
      for (auto& coordinator : coordinators_) coordinator->interrupt(config_.sigterm_grace);
    } else if (cut_off_ && silent < config_.stuck_job_timeout) {
      cut_off_ = false;
      spdlog::info("database contact is back");
    }
    watch_database_contact();
  });
}

void SuperCoordinator::on_signal(int signal) {
  if (signal == SIGCHLD) {
    reap_orphans();
    return;
  }
  if (signal == SIGHUP) {
    reopen_log_file();  // after logrotate moved it away
    spdlog::info("SIGHUP: log file reopened");
    return;
  }
  ++interrupts_seen_;
  if (!draining_) {
    begin_drain();
  } else if (signal == SIGINT && interrupts_seen_ >= 2 && !interrupted_) {
    // A second Ctrl-C: the person at the terminal does not want to wait.
    spdlog::warn("second interrupt: stopping running jobs now");
    interrupt_children();
  } else {
    spdlog::info("already draining ({} job(s) running)", running());
  }
}

void SuperCoordinator::begin_drain() {
  draining_ = true;
  notifier_.stopping("draining: " + std::to_string(running()) + " job(s) running");
  spdlog::info("draining: claiming nothing more; waiting up to {} for {} running job(s)",
               format_duration(config_.shutdown_timeout), running());
  for (auto& coordinator : coordinators_) coordinator->drain();
  scheduler_.stop();
  sweeper_.stop();
  shutdown_timer_.expires_after(config_.shutdown_timeout);
  shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !interrupted_) interrupt_children();
  });
  check_drained();
}

void SuperCoordinator::interrupt_children() {
  interrupted_ = true;
  if (running() > 0) {
    spdlog::warn("stopping {} running job(s): SIGTERM now, SIGKILL after {}", running(),
                 format_duration(config_.sigterm_grace));
  }
  for (auto& coordinator : coordinators_) coordinator->interrupt(config_.sigterm_grace);
}

std::size_t SuperCoordinator::running() const {
  std::size_t total = 0;
  for (const auto& coordinator : coordinators_) total += coordinator->running();
  return total;
}

void SuperCoordinator::check_drained() {
  bool idle = running() == 0;
  for (const auto& coordinator : coordinators_) idle = idle && coordinator->idle();
  if (idle && db_.queued() == 0) {
    if (!worker_) return finish(0);
    const WorkerId worker = *worker_;
    worker_.reset();
    db_.post<bool>([worker](JobStore& store) { store.remove_worker(worker); return true; },
                   [this](bool) { finish(0); }, [this](std::exception_ptr) { finish(0); },
                   OnOutage::fail);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (running() > 0 && now - last_drain_report_ >= kDrainReport) {
    if (last_drain_report_ != std::chrono::steady_clock::time_point{}) {
      spdlog::info("draining: still waiting for {} running job(s)", running());
    }
    last_drain_report_ = now;
  }
  if (running() == 0) {
    // Children are gone but outcomes wait for the database: give it a bounded
    // while, then leave them to the stuck-job rescue of another daemon.
    if (children_gone_at_ == std::chrono::steady_clock::time_point{}) children_gone_at_ = now;
    if (now - children_gone_at_ > config_.shutdown_timeout) {
      spdlog::error("exiting with {} outcome(s) unwritten: the database is unreachable; "
                    "their jobs will be rescued as stuck", db_.queued());
      return finish(1);
    }
  }
  drain_check_timer_.expires_after(kDrainCheck);
  drain_check_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) check_drained();
  });
}

void SuperCoordinator::finish(int exit_code) {
  exit_code_ = exit_code;
  spdlog::info("stopped{}", exit_code == 0 ? "" : " with errors");
  heartbeat_timer_.cancel();
  contact_timer_.cancel();
  resolver_.stop();
  notifier_.stop();
  count_timer_.cancel();
  if (http_) http_->stop();
  if (dashboard_) dashboard_->stop();
  shutdown_timer_.cancel();
  drain_check_timer_.cancel();
  signals_.cancel();
  listener_->stop();
  db_.stop();
  loop_.stop();
}

}  // namespace spawnq
