// The statements of schedule store, prepared once per connection by JobStore.
#include "schedule_store.hpp"

namespace spawnq {

const std::vector<Statement>& schedule_store_statements() {
  static const std::vector<Statement> all = {
      {"take_tick",
       // Wins the tick for this daemon, or returns nothing (someone else took
       // it, or a newer one). Returns the status of the job of the tick before.
       "INSERT INTO spawnq.schedules AS s (name, last_tick) VALUES ($1, to_timestamp($2))"
       " ON CONFLICT (name) DO UPDATE SET last_tick = EXCLUDED.last_tick, updated_at = now()"
       "  WHERE s.last_tick < EXCLUDED.last_tick"
       " RETURNING (SELECT status FROM spawnq.jobs WHERE id = s.last_job_id)"},
      {"set_schedule_job", "UPDATE spawnq.schedules SET last_job_id = $2 WHERE name = $1"},
      {"schedule_states",
       "SELECT s.name, extract(epoch FROM s.last_tick)::bigint, s.last_job_id, j.status"
       "  FROM spawnq.schedules s LEFT JOIN spawnq.jobs j ON j.id = s.last_job_id"
       " WHERE s.name = ANY($1::text[])"}
  };
  return all;
}

}  // namespace spawnq
