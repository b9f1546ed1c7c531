#include "stuck_job_resolver.hpp"

#include <signal.h>

#include <spdlog/spdlog.h>

#include "worker_identity.hpp"

namespace spawnq {
namespace {

bool pid_running(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

StuckJobResolver::StuckJobResolver(boost::asio::io_context& loop, DbExecutor& db, const Config& config)
    : db_(db), config_(config), timer_(loop) {}

void StuckJobResolver::start(WorkerId self, const WorkerIdentity& identity) {
  self_ = self;
  rescue_predecessors(self, identity);
  arm();
}

void StuckJobResolver::stop() {
  stopped_ = true;
  timer_.cancel();
}

void StuckJobResolver::arm() {
  if (stopped_) return;
  timer_.expires_after(config_.stuck_check_interval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    sweep({});
    arm();
  });
}

void StuckJobResolver::rescue_predecessors(WorkerId self, const WorkerIdentity& identity) {
  db_.post<std::vector<WorkerId>>(
      [self, identity](JobStore& store) {
        std::vector<WorkerId> gone;
        for (const WorkerRow& row : store.workers().same_host_workers(identity.host, self)) {
          if (provably_gone(row, identity, pid_running)) gone.push_back(row.id);
        }
        return gone;
      },
      [this](std::vector<WorkerId> gone) {
        for (WorkerId id : gone) spdlog::info("worker={} on this host is gone (crashed?): rescuing its jobs now", id);
        sweep(std::move(gone));
      },
      retry_next_round("the rescue of a dead predecessor's jobs"), OnOutage::fail);
}

void StuckJobResolver::sweep(std::vector<WorkerId> dead) {
  const auto silent_for = config_.stuck_job_timeout;
  const int max_attempts = config_.default_max_attempts;
  const WorkerId self = self_;
  using Result = std::pair<std::vector<RequeuedJob>, std::vector<WorkerId>>;
  db_.post<Result>(
      [=](JobStore& store) {
        auto rescued = store.workers().requeue_stuck(std::nullopt, silent_for, max_attempts, dead, self);
        return Result{std::move(rescued), store.workers().forget_workers(silent_for, dead, self)};
      },
      [](Result result) {
        for (const RequeuedJob& job : result.first) {
          spdlog::warn("queue={} job={} rescued from silent worker={} → {}", job.queue, job.id,
                       job.worker ? std::to_string(*job.worker) : "?", to_string(job.status));
        }
        for (WorkerId worker : result.second) spdlog::info("worker={} forgotten: silent too long", worker);
      },
      retry_next_round("the rescue of silent daemons' jobs"), OnOutage::fail);
}

}  // namespace spawnq
