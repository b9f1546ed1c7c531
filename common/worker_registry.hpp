// WorkerRegistry is the part of JobStore for daemons in spawnq.workers and the rescue of their jobs: registering, heartbeats, who else is on this host, forgetting the dead, requeueing what they held. One named function per statement,
// each in its own short transaction; the statements are in worker_registry_sql.cpp.
// It borrows the JobStore's connection and is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "job.hpp"
#include "statement.hpp"

namespace spawnq {

struct RequeuedJob {
  JobId id = 0;
  std::string queue;
  JobStatus status = JobStatus::retry_wait;  // dead when attempts ran out, cancelled when asked to stop
  std::optional<WorkerId> worker;             // the daemon that lost it
};

// Where a daemon runs, for telling whether one on the same host is still alive.
struct WorkerIdentity {
  std::string host;
  int pid = 0;
  std::string boot_id;        // /proc/sys/kernel/random/boot_id
  std::string pid_namespace;  // the inode of /proc/self/ns/pid
};

struct WorkerRow {
  WorkerId id = 0;
  int pid = 0;
  std::string boot_id;
  std::string pid_namespace;
};

struct HeartbeatResult {
  bool registered = true;  // false: our row is gone (declared dead by another daemon)
  std::vector<JobId> cancel_requested;  // our running jobs someone asked to stop
  std::vector<std::string> paused;      // every paused queue, in case a notification was missed
};

// What a daemon's handlers give jobs of a type that do not say (migration
// 014's spawnq.type_defaults): published at registration, read by
// enqueue() for the priority and by `check-config --published`.
struct TypeDefault {
  std::string job_type;
  std::optional<int> priority;
  std::optional<int> max_attempts;
  std::optional<std::vector<double>> backoff_s;
  std::optional<double> timeout_s;
  bool operator==(const TypeDefault&) const = default;
};

// One daemon's published defaults, as `check-config --published` reads them.
struct PublishedDefault {
  WorkerId worker = 0;
  std::string host;
  TypeDefault values;
};

// What a daemon says of itself when it registers, for the console and for
// producers. `max_workers`: how many jobs of each queue it runs at once (the
// console's "running / max" across the cluster); `shares`: its queues'
// fair_by and group_max_workers, for those that set either; `defaults`: its
// handlers' settings.
struct WorkerAnnouncement {  // initialisers: so a designated {.shares = …} may leave the rest out
  std::map<std::string, int> max_workers = {};
  std::map<std::string, QueueShares> shares = {};
  std::vector<TypeDefault> defaults = {};
};

class WorkerRegistry {
 public:
  WorkerRegistry(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  // Everything in `said` is written in the same transaction; the type
  // defaults of daemons whose rows are gone are forgotten then.
  WorkerId register_worker(const WorkerIdentity& identity, const std::vector<std::string>& queues,
                           const std::string& version, const WorkerAnnouncement& said = {});

  // The defaults published by registered daemons, by job type and worker.
  std::vector<PublishedDefault> published_defaults();

  void remove_worker(WorkerId worker);

  HeartbeatResult heartbeat(WorkerId worker);

  // Notes in the row that this daemon drains: it claims nothing more.
  void mark_draining(WorkerId worker);

  // The other daemons registered on `host`.
  std::vector<WorkerRow> same_host_workers(const std::string& host, WorkerId self);

  // Deletes worker rows silent for `silent_for` (or named in `dead`) that hold no running job.
  // `self` (the caller's own worker) is never forgotten.
  std::vector<WorkerId> forget_workers(std::chrono::milliseconds silent_for, const std::vector<WorkerId>& dead,
                                       std::optional<WorkerId> self = std::nullopt);

  // Returns processing jobs whose daemon has been silent for `silent_for`, is
  // gone, or is one of `dead`, to retry_wait, runnable at once; dead when
  // attempts ran out; cancelled when someone asked to stop them. Each rescue
  // closes the attempt as lost. Concurrent rescuers skip each other's rows.
  // Jobs of `self` (a daemon rescuing for others) are never taken for silent.
  std::vector<RequeuedJob> requeue_stuck(const std::optional<std::string>& queue,
                                         std::chrono::milliseconds silent_for,
                                         int default_max_attempts,
                                         const std::vector<WorkerId>& dead = {},
                                         std::optional<WorkerId> self = std::nullopt);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& worker_registry_statements();

}  // namespace spawnq
