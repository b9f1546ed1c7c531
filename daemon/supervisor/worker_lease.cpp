#include "worker_lease.hpp"

#include <spdlog/spdlog.h>

#include "spawnq/version.hpp"
#include "worker_announcement.hpp"

namespace spawnq {

WorkerLease::WorkerLease(boost::asio::io_context& loop, DbExecutor& db, const Config& config,
                         WorkerIdentity identity, std::vector<std::string> queues, Callbacks callbacks)
    : loop_(loop),
      db_(db),
      config_(config),
      identity_(std::move(identity)),
      queues_(std::move(queues)),
      callbacks_(std::move(callbacks)),
      heartbeat_timer_(loop),
      contact_timer_(loop) {}

void WorkerLease::start() {
  register_worker();
  watch_contact();
}

std::string registration_advice(const std::string& sqlstate) {
  // undefined_table, undefined_function, invalid_schema_name, undefined_column
  if (sqlstate == "42P01" || sqlstate == "42883" || sqlstate == "3F000" || sqlstate == "42703") {
    return "; run `spawnq migrate`";
  }
  // duplicate_prepared_statement, invalid_sql_statement_name: named statements
  // met someone else's on a pooled server connection.
  if (sqlstate == "42P05" || sqlstate == "26000") {
    return "; database.url looks like a transaction pooler: set database.pooler: transaction "
           "(docs/SPEC.md §2.2)";
  }
  return "";
}

void WorkerLease::stop() {
  heartbeat_timer_.cancel();
  contact_timer_.cancel();
}

void WorkerLease::register_worker() {
  db_.post<WorkerId>(
      [identity = identity_, queues = queues_, said = announcement_of(config_, queues_)](JobStore& store) {
        return store.workers().register_worker(identity, queues, kVersion, said);
      },
      [this](WorkerId worker) {
        if (released_) return;
        worker_ = worker;
        spdlog::info("worker={} registered: host={} pid={}", worker, identity_.host, identity_.pid);
        const bool first = !registered_once_;
        registered_once_ = true;
        if (first) heartbeat();
        callbacks_.registered(worker, first);
      },
      [this](std::exception_ptr error) {
        callbacks_.refused(describe_error(error) + registration_advice(sqlstate_of(error)));
      },
      OnOutage::keep);
}

void WorkerLease::heartbeat() {
  heartbeat_timer_.expires_after(config_.heartbeat_interval);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    heartbeat();
    if (!worker_) return;  // registering anew
    const WorkerId worker = *worker_;
    db_.post<HeartbeatResult>(
        [worker](JobStore& store) { return store.workers().heartbeat(worker); },
        [this, worker](HeartbeatResult result) {
          if (!result.registered && worker_ == worker) return declared_dead();
          callbacks_.heartbeat(result);
        },
        retry_next_round("heartbeat of worker=" + std::to_string(worker)), OnOutage::fail);  // an outage is watched by watch_contact
  });
}

// Another daemon found us silent for stuck_job_timeout and gave our jobs
// back: they may run elsewhere now, so ours must stop, and our outcomes for
// them will be refused by the fence. Then we register anew and go on.
void WorkerLease::declared_dead() {
  spdlog::error("worker={} was declared dead by another daemon (silent too long): stopping running job(s) "
                "and registering anew", *worker_);
  worker_.reset();
  callbacks_.lost("declared dead");
  register_worker();
}

// docs/SPEC.md §6: a daemon cut off from the database for longer than
// stuck_job_timeout stops its children, whose jobs others may have rescued.
void WorkerLease::watch_contact() {
  contact_timer_.expires_after(std::chrono::seconds(1));
  contact_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    // Heartbeats reach the database every heartbeat_interval, so a longer
    // silence means it is out of reach, not that we had nothing to say.
    const auto silent = std::chrono::steady_clock::now() - db_.last_contact();
    if (!cut_off_ && silent > config_.stuck_job_timeout) {
      cut_off_ = true;
      spdlog::error("no database contact for {}s (more than stuck_job_timeout): stopping running job(s), "
                    "which other daemons may rescue; claiming nothing until it is back",
                    std::chrono::duration_cast<std::chrono::seconds>(silent).count());
      callbacks_.lost("cut off from the database");
    } else if (cut_off_ && silent < config_.stuck_job_timeout) {
      cut_off_ = false;
      spdlog::info("database contact is back");
    }
    watch_contact();
  });
}

void WorkerLease::draining() {
  if (!worker_) return;
  db_.fire_and_forget([worker = *worker_](JobStore& store) { store.workers().mark_draining(worker); });
}

void WorkerLease::release(std::function<void()> done) {
  released_ = true;
  stop();
  if (!worker_) return done();
  const WorkerId worker = *std::exchange(worker_, std::nullopt);
  db_.post<bool>([worker](JobStore& store) { store.workers().remove_worker(worker); return true; },
                 [done](bool) { done(); }, [done](std::exception_ptr) { done(); }, OnOutage::fail);
}

}  // namespace spawnq
