#include "daemon.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include <spdlog/spdlog.h>

#include "common/log.hpp"
#include "daemon/maintenance/worker_identity.hpp"
#include "spawnq/version.hpp"

extern char** environ;

namespace spawnq {
namespace {

// A daemon started with a closed stdin/stdout/stderr would hand those numbers
// to its own pipes and sockets; keep 0-2 taken.
void keep_standard_fds_open() {
  for (int fd = 0; fd < 3; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) ::open("/dev/null", O_RDWR);
  }
}

std::vector<std::string> names_of(const std::vector<QueueConfig>& queues) {
  std::vector<std::string> names;
  for (const QueueConfig& queue : queues) names.push_back(queue.name);
  return names;
}

}  // namespace

Daemon::Daemon(Config config, std::vector<QueueConfig> queues, std::string runner)
    : config_(std::move(config)),
      runner_(std::move(runner)),
      base_environment_(job_base_environment(environ)),
      metrics_(kVersion),
      cgroups_(open_job_cgroups(loop_, config_.cgroups)),
      signals_(loop_),
      db_(loop_, config_.database_url, config_.database_pooler),
      outcome_db_(loop_, config_.database_url, config_.database_pooler, "database (outcome writes)"),
      outcomes_(outcome_db_),
      listener_(
          loop_, session_url_for(config_.database_pooler, config_.database_url, config_.session_url).value_or(""),
          names_of(queues), [this](const std::string& queue) { queues_.wake(queue); },
          [this](JobId id) { queues_.cancel(id); },
          [this](const std::string& queue, bool paused) { queues_.set_paused(queue, paused); }),
      lease_(loop_, db_, config_, this_worker(), names_of(queues),
             WorkerLease::Callbacks{
                 [this](WorkerId worker, bool first) { on_registered(worker, first); },
                 [this](const std::string& why) {
                   spdlog::critical("cannot register this daemon in spawnq.workers: {}", why);
                   stop(1);
                 },
                 [this](const std::string&) { queues_.interrupt(config_.sigterm_grace); },
                 [this](const HeartbeatResult& beat) {
                   for (JobId id : beat.cancel_requested) queues_.cancel(id);
                   queues_.apply_paused(beat.paused);
                 }}),
      maintenance_(loop_, db_, config_, served_schedules(config_, queues)),
      observers_(loop_, outcome_db_),
      drain_(loop_, config_.shutdown_timeout,
             Drain::Hooks{[this] { return queues_.running(); },
                          [this] { return queues_.idle() && db_.queued() == 0 && outcome_db_.queued() == 0; },
                          [this] { return outcome_db_.connected(); },
                          [this] {
                            observers_.notifier().stopping("draining: " + std::to_string(queues_.running()) +
                                                           " job(s) running");
                            queues_.drain();
                            maintenance_.stop_adding_and_deleting();
                            lease_.draining();
                          },
                          [this] { stop_jobs(); },
                          [this](int code) { lease_.release([this, code] { stop(code); }); }}) {
  for (QueueConfig& queue : queues) {
    metrics_.configure_queue(queue.name, queue.max_workers);
    queues_.add(std::make_unique<QueueCoordinator>(
        loop_, db_, outcomes_,
        QueueCoordinator::Settings{std::move(queue), &config_, runner_, &base_environment_, &metrics_, cgroups_.get()}));
  }
  db_.on_reconnect([this] { queues_.database_back(); });
}

Daemon::~Daemon() {
  listener_.stop();
  db_.stop();
  outcome_db_.stop();
}

void Daemon::add_view(const ViewFactory& make) {
  observers_.add_view(
      make(loop_, [this] { return snapshot(); }, metrics_, [this] { drain_.handle(Drain::Event::requested); }));
}

int Daemon::run() {
  start();
  loop_.run();
  return exit_code_;
}

// The declared order: each service's stop is pushed as it starts, so stop()
// undoes them in reverse.
void Daemon::start() {
  keep_standard_fds_open();
  // Writing to a pipe whose job is gone must be an error, not our death.
  std::signal(SIGPIPE, SIG_IGN);
  // Grandchildren whose parent job exits are re-parented to us and reaped
  // here, instead of becoming init's problem.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  for (int signal : {SIGTERM, SIGINT, SIGCHLD, SIGHUP}) signals_.add(signal);
  watch_signals();
  stops_.push_back([this] { signals_.cancel(); });
  std::string names;
  for (const std::string& name : queues_.names()) names += (names.empty() ? "" : " ") + name;
  spdlog::info("spawnq {} starting: pid={} queues=[{}] runner={}", kVersion, ::getpid(), names, runner_);

  db_.start();
  stops_.push_back([this] { db_.stop(); });
  outcome_db_.start();
  stops_.push_back([this] { outcome_db_.stop(); });
  start_listener();
  lease_.start();
  stops_.push_back([this] { lease_.stop(); });
  stops_.push_back([this] { maintenance_.stop(); });  // started once registered
  stops_.push_back([this] { observers_.stop(); });
  observers_.start(config_, StatusSources{[this] { return snapshot(); }, [this] { return render_metrics(); },
                                          std::max(3 * to_seconds(config_.heartbeat_interval), 5.0)});
  stops_.push_back([this] { drain_.stop(); });
}

// Wake-ups need LISTEN, and LISTEN needs a session (docs/SPEC.md §2).
void Daemon::start_listener() {
  const bool pooled = config_.database_pooler == Pooler::transaction;
  if (pooled && !config_.session_url) {
    spdlog::info("wake-ups: polling every {} (database.pooler: transaction, and no database.session_url to "
                 "LISTEN on)",
                 format_duration(config_.poll_interval));
    return;
  }
  spdlog::info("wake-ups: LISTEN on {}", pooled ? "database.session_url" : "database.url");
  listener_.start();
  stops_.push_back([this] { listener_.stop(); });
}

void Daemon::on_registered(WorkerId worker, bool first) {
  if (drain_.active()) return;  // registered while draining: the drain removes the row again
  if (!first) {
    queues_.set_worker(worker);
    maintenance_.registered_anew(worker);
    return;
  }
  queues_.start(worker);
  maintenance_.start(worker, lease_.identity());
  db_.post<std::vector<std::string>>([](JobStore& store) { return store.admin().paused_queues(); },
                                     [this](std::vector<std::string> paused) { queues_.apply_paused(paused); },
                                     retry_next_round("reading paused queues"), OnOutage::fail);  // the heartbeat brings them too
  observers_.notifier().ready("serving " + std::to_string(queues_.names().size()) + " queue(s) as worker " +
                  std::to_string(worker));
}

void Daemon::watch_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    on_signal(signal);
    watch_signals();
  });
}

void Daemon::on_signal(int signal) {
  switch (signal) {
    case SIGCHLD:
      return reap_orphans();
    case SIGHUP:
      reopen_log_file();  // after logrotate moved it away
      spdlog::info("SIGHUP: log file reopened");
      return;
    case SIGINT:
      // A second Ctrl-C: the person at the terminal does not want to wait.
      return drain_.handle(drain_.active() ? Drain::Event::second_interrupt : Drain::Event::requested);
    default:  // SIGTERM
      return drain_.handle(Drain::Event::requested);
  }
}

void Daemon::stop_jobs() { queues_.interrupt(config_.sigterm_grace); }

void Daemon::stop(int exit_code) {
  exit_code_ = exit_code;
  spdlog::info("stopped{}", exit_code == 0 ? "" : " with errors");
  for (auto it = stops_.rbegin(); it != stops_.rend(); ++it) (*it)();
  stops_.clear();
  loop_.stop();
}

DaemonSnapshot Daemon::snapshot() const {
  DaemonSnapshot s;
  s.version = kVersion;
  s.worker = lease_.worker();
  s.host = lease_.identity().host;
  s.pid = lease_.identity().pid;
  s.draining = drain_.active();
  s.seconds_since_database = std::chrono::duration<double>(std::chrono::steady_clock::now() - db_.last_contact()).count();
  s.queues = queues_.snapshots(observers_.depths());
  return s;
}

std::string Daemon::render_metrics() {
  metrics_.set_database_errors(db_.errors() + outcome_db_.errors());
  metrics_.set_database_up(db_.connected());
  metrics_.set_depth(observers_.depths());
  return metrics_.render();
}

}  // namespace spawnq
