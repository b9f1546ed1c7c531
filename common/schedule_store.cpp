#include "schedule_store.hpp"

#include <pqxx/pqxx>

#include "connection.hpp"
#include "errors.hpp"
#include "sql_values.hpp"

namespace spawnq {

TickResult ScheduleStore::fire_tick(const ScheduledTick& tick) {
  pqxx::work w(conn_);
  const auto taken = sql_.exec(w, "take_tick", tick.schedule,
                                     static_cast<std::int64_t>(tick.tick.time_since_epoch().count()));
  TickResult result;
  if (taken.empty()) return result;  // rolled back: nothing was written
  if (!taken[0][0].is_null()) result.previous = parse_job_status(taken[0][0].as<std::string>());
  if (!tick.overlap && result.previous && !is_terminal(*result.previous)) {
    result.kind = TickResult::Kind::skipped;
  } else {
    result.kind = TickResult::Kind::enqueued;
    result.job = jobs_.enqueue_in(w, tick.job);
    sql_.exec(w, "set_schedule_job", tick.schedule, result.job);
  }
  w.commit();
  return result;
}

std::vector<ScheduleState> ScheduleStore::schedule_states(const std::vector<std::string>& names) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "schedule_states", to_text_array(names));
  w.commit();
  std::vector<ScheduleState> states;
  for (const auto& row : rows) {
    ScheduleState state;
    state.name = row[0].as<std::string>();
    state.last_tick = std::chrono::sys_seconds(std::chrono::seconds(row[1].as<std::int64_t>()));
    state.last_job = optional_field<JobId>(row[2]);
    if (!row[3].is_null()) state.last_status = parse_job_status(row[3].as<std::string>());
    states.push_back(std::move(state));
  }
  return states;
}

}  // namespace spawnq
