// Config is the validated, effective configuration of one spawnq process: every
// key of docs/SPEC.md §2 with the global defaults already folded into each queue. It is
// a plain value, built once by load_config() and never changed afterwards, so
// any thread may read it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cron.hpp"
#include "common/envelope.hpp"
#include "common/job.hpp"
#include "common/job_queue.hpp"
#include "common/log.hpp"
#include "common/pooler.hpp"
#include "duration.hpp"
#include "web_settings.hpp"

namespace spawnq {

enum class ShowMode { lines, tui };

// Per-job cgroups (issue 7): `automatic` uses them where a writable cgroup v2
// subtree is found and says in the log why not otherwise; `required` refuses
// to start without them; `off` never creates them.
enum class CgroupMode { automatic, off, required };

struct CgroupSettings {
  CgroupMode mode = CgroupMode::automatic;
  // A cgroup v2 folder to create job cgroups under; none: the daemon's own.
  std::optional<std::string> root;
};

struct QueueConfig {
  std::string name;
  int max_workers = 1;
  Duration timeout{};
  int max_attempts = 0;
  std::vector<Duration> backoff;
  JobLimits limits;  // for every job of the queue; a handler's own win key by key
  std::optional<int> global_max_workers;  // processing at once across every daemon
  // fair_by: group claims round-robin across job_group values (migration
  // 014's fair_rank) instead of strictly by available_at within a priority.
  bool fair_by_group = false;
  std::optional<int> group_max_workers;  // processing at once per job_group, across every daemon
  // Which of timeout, max_attempts and backoff the queue's own entry set;
  // the others are the global defaults (for `show`, config/job_policy).
  struct OwnKeys {
    bool timeout = false, max_attempts = false, backoff = false;
  } own;
};

// Settings of a job type. With a command it is served by that external
// program (resolved at load time: argv[0] is an absolute path to an
// executable file); without one, by the runner's own handler of that name.
struct HandlerConfig {
  std::string job_type;
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string working_dir;  // empty: the runner's own
  std::optional<Duration> timeout;
  std::optional<int> max_attempts;             // over the queue's
  std::optional<int> priority;                 // for jobs enqueued without one (published, migration 014)
  std::optional<std::vector<Duration>> backoff;  // over the queue's
  JobLimits limits;
  std::optional<RunAs> run_as;  // user:/group:, resolved to ids at load
  // Enforced by the claim across every daemon: at most this many of the type
  // processing at once, and at most `rate_limit` starts per `rate_per`.
  std::optional<int> max_concurrency;
  std::optional<int> rate_limit;
  Duration rate_per{0};
};

// A recurring job (issue 7): each tick of `cron` enqueues one job, once
// across every daemon that shares the database.
struct ScheduleConfig {
  std::string name;
  CronSchedule cron;
  CronZone zone = CronZone::utc;
  std::string job_type;
  std::string queue = "default";
  std::string payload_json = "{}";
  int priority = 5;
  std::optional<int> max_attempts;
  bool catch_up = true;  // after downtime, enqueue the newest missed tick once
  bool overlap = true;   // false: skip a tick while the previous job is pending or running
};

// The job a tick of `schedule` enqueues; the caller names its reference
// (the scheduler: "<schedule>@<tick>"; the console's "enqueue now": none).
EnqueueRequest scheduled_job(const ScheduleConfig& schedule);

struct Config {
  std::string source;  // the file it came from; empty for built-in defaults
  std::string database_url = "postgresql:///spawnq";
  Pooler database_pooler = Pooler::none;  // what stands on database_url (docs/SPEC.md §2)
  // A direct connection for LISTEN (and migrations) when database_url is a
  // transaction pooler; without one, a pooled daemon polls.
  std::optional<std::string> session_url;
  std::string runner;  // empty: job-runner beside the spawnq binary
  Duration poll_interval = std::chrono::seconds(1);
  Duration shutdown_timeout = std::chrono::seconds(30);
  Duration sigterm_grace = std::chrono::seconds(10);
  Duration stuck_job_timeout = std::chrono::seconds(300);
  Duration stuck_check_interval = std::chrono::seconds(60);
  Duration heartbeat_interval = std::chrono::seconds(10);
  Duration default_timeout = std::chrono::seconds(120);
  int default_max_workers = 1;
  int default_max_attempts = 5;
  // How much nicer than the daemon its jobs run (0-19): the supervisor that
  // reaps, times out and heartbeats for them is never starved by them.
  int job_nice = 5;
  std::vector<Duration> backoff = {std::chrono::seconds(10), std::chrono::seconds(30),
                                   std::chrono::minutes(2), std::chrono::minutes(10),
                                   std::chrono::minutes(30)};
  ShowMode show = ShowMode::lines;
  LogOptions log;  // log_level, log_format, log_file
  // HOST:PORT of the read-only operator endpoints; none when not configured.
  std::optional<std::string> http_listen;
  WebSettings web;  // the web console, `spawnq web`
  std::vector<QueueConfig> queues;  // never empty after loading
  std::map<std::string, HandlerConfig> handlers;
  std::vector<ScheduleConfig> schedules;  // in file order
  // How long finished jobs are kept, by final status; a status not listed is
  // kept until someone runs `spawnq cleanup`.
  std::map<JobStatus, Duration> retention;
  CgroupSettings cgroups;

  const QueueConfig* find_queue(const std::string& name) const;
  // The queue's settings, or the global defaults for a queue not configured.
  QueueConfig settings_for(const std::string& name) const;
};

}  // namespace spawnq
