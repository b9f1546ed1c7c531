#include "queue_coordinator.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/connection.hpp"
#include "common/utf8.hpp"
#include "config/job_policy.hpp"

namespace spawnq {
namespace {

// Progress is written at most this often per job, the newest value winning.
constexpr std::chrono::milliseconds kProgressInterval{250};

// What a claim brings back, how many it asked for, and when the database
// thread took it up: the time before that is spent waiting behind other work
// on the connection.
struct ClaimAnswer {
  std::vector<ClaimedJob> jobs;
  std::size_t asked;
  std::chrono::steady_clock::time_point taken_up;
};

std::string seconds_text(std::chrono::steady_clock::duration d) {
  return fmt::format("{:.2f}s", std::chrono::duration<double>(d).count());
}

}  // namespace

QueueCoordinator::QueueCoordinator(boost::asio::io_context& loop, DbExecutor& db, OutcomeWriter& outcomes,
                                   Settings settings)
    : loop_(loop),
      db_(db),
      outcomes_(outcomes),
      settings_(std::move(settings)),
      limits_(claim_limits(*settings_.config, settings_.queue)),
      max_attempts_(claim_max_attempts(*settings_.config, settings_.queue)),
      poll_timer_(loop) {}

void QueueCoordinator::start(WorkerId worker) {
  worker_ = worker;
  started_ = true;
  arm_poll();
  claim();
}

void QueueCoordinator::wake() { claim(); }

void QueueCoordinator::arm_poll() {
  poll_timer_.expires_after(settings_.config->poll_interval);
  poll_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || draining_) return;
    claim();
    arm_poll();
  });
}

// 1. Claim: as many rows as there are free slots, in one statement, rounded
// down to a size whose statement keeps its plan (JobQueue::claim_size); a
// full answer claims again.
void QueueCoordinator::claim() {
  if (!started_ || draining_ || paused_) return;
  if (claim_in_flight_) {
    claim_again_ = true;  // a wake-up while asking: ask again when the answer comes
    return;
  }
  const auto max = static_cast<std::size_t>(settings_.queue.max_workers);
  if (running_.size() >= max) return;  // a finishing job claims again
  const std::size_t free = max - running_.size();
  claim_in_flight_ = true;
  claim_again_ = false;
  const std::string queue = name();
  const WorkerId worker = worker_;
  const MaxAttempts max_attempts = max_attempts_;
  std::vector<JobId> known;
  if (must_reconcile_) {
    // Ours: the jobs running, and those whose outcome is still to be written
    // (finished during the outage, queued behind this claim).
    for (const auto& [id, run] : running_) known.push_back(id);
    known.insert(known.end(), unwritten_.begin(), unwritten_.end());
  }
  const bool reconcile = must_reconcile_;
  const ClaimLimits limits = limits_;
  const auto asked_at = std::chrono::steady_clock::now();
  db_.post<ClaimAnswer>(
      [=](JobStore& store) {
        const auto taken_up = std::chrono::steady_clock::now();
        // A claim lost with the connection may have committed, and a failover
        // to an asynchronous standby may have lost an outcome: give back any
        // row we hold but are neither running nor writing before claiming more.
        if (reconcile) {
          for (JobId id : store.jobs().release_unknown_claims(worker, queue, known)) {
            spdlog::warn("queue={} job={} released: held here in the database but not running (a claim lost "
                         "with the connection, or an outcome lost in a failover)",
                         queue, id);
          }
        }
        // At most the free slots; maybe fewer, for a statement that keeps its plan.
        const int asked = store.jobs().claim_size(static_cast<int>(free));
        return ClaimAnswer{store.jobs().claim(queue, asked, worker, max_attempts, limits),
                           static_cast<std::size_t>(asked), taken_up};
      },
      [this, asked_at, reconcile](ClaimAnswer answer) {
        // A claim that did not reconcile leaves a request made meanwhile
        // (the database came back while it was in flight) for the next one.
        if (reconcile) must_reconcile_ = false;
        if (auto line = claim_health_.succeeded(name(), std::chrono::steady_clock::now())) spdlog::info("{}", *line);
        settings_.metrics->claimed(name(), answer.jobs.size(), answer.taken_up - asked_at,
                                   std::chrono::steady_clock::now() - asked_at);
        on_claimed(answer.asked, std::move(answer.jobs));
      },
      [this](std::exception_ptr error) {
        claim_in_flight_ = false;
        must_reconcile_ = true;
        if (auto line = claim_health_.failed(name(), describe_error(error), is_connection_loss(error),
                                             std::chrono::steady_clock::now())) {
          spdlog::error("{}", *line);
        }
      },
      OnOutage::fail);
}

void QueueCoordinator::on_claimed(std::size_t asked, std::vector<ClaimedJob> jobs) {
  claim_in_flight_ = false;
  for (const ClaimedJob& job : jobs) start_job(job);
  // Slots still free now wait for work, not for us: not counted as refills.
  if (jobs.size() < asked) freed_.clear();
  // A full batch means more may be waiting; so may a wake-up that came meanwhile.
  if (jobs.size() == asked || claim_again_) claim();
}

// 2. Spawn: one job-runner per job, in its own process group (and cgroup).
void QueueCoordinator::start_job(const ClaimedJob& job) {
  JobPlan plan = plan_job(job, settings_.queue, *settings_.config, *settings_.base_environment, ::getpid());
  ChildProcess::Options options{settings_.runner, job.id, plan.envelope, plan.environment, plan.timeout,
                                settings_.config->sigterm_grace, {}};
  options.nice = settings_.config->job_nice;
  options.command = std::move(plan.command);
  if (settings_.cgroups) {
    try {
      options.cgroup = settings_.cgroups->acquire(plan.limits);
    } catch (const std::exception& e) {
      return refuse_start(job, std::string("cannot prepare the job's cgroup: ") + e.what());
    }
  }
  auto child = make_child(job);
  const auto spawning = std::chrono::steady_clock::now();
  try {
    child->spawn(std::move(options));
  } catch (const std::exception& e) {
    return refuse_start(job, "cannot start job-runner: " + std::string(e.what()));
  }
  const auto spawned = std::chrono::steady_clock::now();
  settings_.metrics->spawned(name(), spawned - spawning);
  if (!freed_.empty()) {
    settings_.metrics->slot_refilled(name(), spawned - freed_.front());
    freed_.pop_front();
  }
  spdlog::info("queue={} job={} attempt={} started {} pid={} timeout={}", job.queue, job.id, job.attempt,
               job.job_type, child->pid(), format_duration(plan.timeout));
  running_.emplace(job.id, Running{job, std::move(plan), worker_, false, std::move(child), nullptr, std::nullopt,
                                   std::nullopt, std::chrono::steady_clock::now()});
  settings_.metrics->set_running(name(), running_.size());
}

std::shared_ptr<ChildProcess> QueueCoordinator::make_child(const ClaimedJob& job) {
  const JobId id = job.id;
  const std::string tag = fmt::format("[{} #{}] ", job.queue, id);
  return ChildProcess::create(
      loop_, ChildProcess::Callbacks{
                 [tag](std::string_view line) { spdlog::info("{}{}", tag, line); },
                 [this, id](const ProgressLine& progress) { on_progress(id, progress); },
                 [tag](std::string_view line, const std::string& why) {
                   spdlog::warn("{}ignoring fd 3 line ({}): {:.200}", tag, why, line);
                 },
                 [this, id](const ChildProcess::Exit& exit) { on_exit(id, exit); }});
}

// The job never started: the attempt is retried like any other failure.
void QueueCoordinator::refuse_start(const ClaimedJob& job, const std::string& why) {
  spdlog::error("queue={} job={} attempt={} {}", job.queue, job.id, job.attempt, why);
  AttemptFacts facts;
  facts.result = ResultLine{ResultLine::Kind::retry, why, std::nullopt};
  facts.attempt = job.attempt;
  facts.max_attempts = job.max_attempts;
  const auto backoff = backoff_for(*settings_.config, settings_.queue, job.job_type).value;
  record(job, worker_, decide_outcome(facts, backoff), nullptr, std::nullopt);
}

// 3. Reap: the child is gone; decide what it means.
void QueueCoordinator::on_exit(JobId id, const ChildProcess::Exit& exit) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Running run = std::move(it->second);
  running_.erase(it);
  settings_.metrics->set_running(name(), running_.size());
  const ClaimedJob& job = run.job;
  spdlog::info("queue={} job={} attempt={} {} in {}{}", job.queue, id, job.attempt,
               describe_exit(exit.status), seconds_text(exit.elapsed),
               exit.timed_out ? " (timed out)" : exit.interrupted ? " (interrupted)" : "");
  AttemptFacts facts{exit.status, exit.result,  exit.timed_out, exit.interrupted,
                     run.cancelling, run.plan.timeout, job.attempt,     job.max_attempts};
  if (exit.counts_limits) facts.limit_hit = describe_limit_hit(exit.limit_hits, run.plan.limits);
  const Decision decision = decide_outcome(facts, run.plan.backoff);
  settings_.metrics->finished(name(), decision.next, exit.elapsed);
  record(job, run.worker, decision, &exit, run.child->pid());
  freed_.push_back(std::chrono::steady_clock::now());
  claim();  // a slot is free
}

// 4. Record: fenced by (job, attempt, worker), kept across database outages.
void QueueCoordinator::record(const ClaimedJob& job, WorkerId worker, const Decision& decision,
                              const ChildProcess::Exit* exit, std::optional<int> pid) {
  AttemptRecord r;
  r.job_id = job.id;
  r.attempt = job.attempt;
  r.worker_id = worker;
  r.next_status = decision.next;
  r.retry_delay = decision.delay;
  r.outcome = decision.outcome;
  r.pid = pid;
  if (decision.error) r.error = to_valid_utf8(*decision.error);
  if (exit) {
    (exit->status.signaled ? r.signal : r.exit_code) = exit->status.value;
    const std::string_view tail = exit->output_tail;
    r.output_tail = to_valid_utf8(tail.substr(tail.size() - std::min(tail.size(), kOutputTailBytes)));
  }
  const std::string summary =
      fmt::format("queue={} job={} attempt={} → {}{}{}", job.queue, job.id, job.attempt,
                  to_string(decision.next),
                  decision.next == JobStatus::retry_wait ? " in " + format_duration(decision.delay) : "",
                  decision.error ? ": " + *decision.error : "");
  unwritten_.insert(job.id);
  outcomes_.write(std::move(r), OutcomeWriter::Done{
      [this, id = job.id, summary, wake_others = frees_limited_room(limits_, job.job_type),
       handed_at = std::chrono::steady_clock::now()](bool applied, bool in_doubt) {
        unwritten_.erase(id);
        settings_.metrics->recorded(std::chrono::steady_clock::now() - handed_at);
        if (applied) {
          spdlog::info("{}", summary);
        } else if (in_doubt) {
          spdlog::warn("{}: recorded by the write whose COMMIT was lost with the connection, or the job moved "
                       "on meanwhile (rescued or cancelled); the fence refused a second write", summary);
        } else {
          spdlog::warn("{} not recorded: the job moved on meanwhile (rescued or cancelled)", summary);
        }
        // Daemons holding back jobs for this limit may claim again now.
        if (applied && wake_others) {
          db_.fire_and_forget([queue = name()](JobStore& store) { store.admin().wake_queue(queue); });
        }
      },
      [this, id = job.id, summary](const std::string& error) {
        unwritten_.erase(id);
        spdlog::error("{} not recorded: {}", summary, error);
      }});
}

void QueueCoordinator::on_progress(JobId id, const ProgressLine& progress) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Running& run = it->second;
  run.unsent_progress = progress;
  run.progress = progress.fraction;
  if (run.progress_timer) return;  // a write is already scheduled
  run.progress_timer = std::make_unique<boost::asio::steady_timer>(loop_, kProgressInterval);
  run.progress_timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (!ec) send_progress(id);
  });
  send_progress(id);
}

void QueueCoordinator::send_progress(JobId id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Running& run = it->second;
  if (!run.unsent_progress) {
    run.progress_timer.reset();  // quiet for a whole interval: the next line writes at once
    return;
  }
  const ProgressLine progress = *run.unsent_progress;
  run.unsent_progress.reset();
  const JobId job = id;
  const int attempt = run.job.attempt;
  const WorkerId worker = run.worker;
  db_.fire_and_forget([=](JobStore& store) {
    store.jobs().update_progress(job, attempt, worker, progress.fraction, progress.message);
  });
  run.progress_timer->expires_after(kProgressInterval);
  run.progress_timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (!ec) send_progress(id);
  });
}

std::vector<RunningJob> QueueCoordinator::running_jobs() const {
  std::vector<RunningJob> jobs;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [id, run] : running_) {
    jobs.push_back(RunningJob{id, run.job.job_type, run.job.attempt, run.child->pid(),
                              std::chrono::duration<double>(now - run.started).count(), run.progress});
  }
  return jobs;
}

void QueueCoordinator::drain() {
  draining_ = true;
  poll_timer_.cancel();
}

void QueueCoordinator::set_paused(bool paused) {
  if (paused == paused_) return;
  paused_ = paused;
  settings_.metrics->set_paused(name(), paused);
  if (paused) {
    spdlog::info("queue={} paused: claiming nothing; {} running job(s) finish", name(), running_.size());
  } else {
    spdlog::info("queue={} resumed", name());
    claim();
  }
}

void QueueCoordinator::interrupt(std::chrono::milliseconds grace) {
  for (auto& [id, run] : running_) run.child->interrupt(grace);
}

bool QueueCoordinator::cancel(JobId id) {
  auto it = running_.find(id);
  if (it == running_.end()) return false;
  Running& run = it->second;
  if (!run.cancelling) {
    run.cancelling = true;
    spdlog::info("queue={} job={} attempt={} cancelled: stopping it (SIGTERM, SIGKILL after {})", name(), id,
                 run.job.attempt, format_duration(settings_.config->sigterm_grace));
    run.child->interrupt(settings_.config->sigterm_grace);
  }
  return true;
}

void QueueCoordinator::database_back() {
  must_reconcile_ = true;
  claim();
}

}  // namespace spawnq
