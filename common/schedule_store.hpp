// ScheduleStore is the part of JobStore for cron schedule ticks: each taken by one daemon, with its job enqueued in the same transaction. One named function per statement,
// each in its own short transaction; the statements are in schedule_store_sql.cpp.
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
#include "job_queue.hpp"

namespace spawnq {

// One tick of a cron schedule, to be enqueued once across every daemon.
struct ScheduledTick {
  std::string schedule;
  std::chrono::sys_seconds tick;
  EnqueueRequest job;    // its reference is set to "<schedule>@<tick>"
  bool overlap = true;   // false: skip while the previous tick's job is live
};

struct TickResult {
  enum class Kind { enqueued, skipped, taken } kind = Kind::taken;  // taken: by another daemon
  JobId job = 0;                      // enqueued: the new job; skipped: none
  std::optional<JobStatus> previous;  // the status of the previous tick's job
};

// What the database knows of a schedule.
struct ScheduleState {
  std::string name;
  std::chrono::sys_seconds last_tick;
  std::optional<JobId> last_job;
  std::optional<JobStatus> last_status;
};

class ScheduleStore {
 public:
  ScheduleStore(pqxx::connection& conn, const StatementBook& sql, JobQueue& jobs)
      : conn_(conn), sql_(sql), jobs_(jobs) {}

  // Takes the tick and enqueues its job in one transaction; exactly one
  // caller per (schedule, tick) gets `enqueued` or `skipped`.
  TickResult fire_tick(const ScheduledTick& tick);

  std::vector<ScheduleState> schedule_states(const std::vector<std::string>& names);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
  JobQueue& jobs_;  // a tick enqueues its job in the tick's transaction
};

const std::vector<Statement>& schedule_store_statements();

}  // namespace spawnq
