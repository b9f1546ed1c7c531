#include "batch_json.hpp"

#include "sql_values.hpp"

namespace spawnq {

nlohmann::json to_json(const Batch& b) {
  return {{"id", b.id},
          {"state", to_string(b.state())},
          {"description", json_or_null(b.description)},
          {"on_complete", json_or_null(b.on_complete)},
          {"on_success", json_or_null(b.on_success)},
          {"queue", b.queue},
          {"payload", nlohmann::json::parse(b.payload_json)},
          {"created_at", b.created_at},
          {"closed_at", json_or_null(b.closed_at)},
          {"completed_at", json_or_null(b.completed_at)},
          {"total", b.total},
          {"done", b.done},
          {"failed", b.failed},
          {"dead", b.dead},
          {"cancelled", b.cancelled},
          {"complete_job_id", json_or_null(b.complete_job)},
          {"success_job_id", json_or_null(b.success_job)}};
}

}  // namespace spawnq
