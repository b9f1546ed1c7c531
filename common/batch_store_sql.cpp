// The statements of batches, in the StatementBook of JobStore.
#include "batch_store.hpp"

namespace spawnq {
namespace {

const std::string kBatchColumns =
    "SELECT id, description, on_complete, on_success, queue, payload::text,"
    "       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    "       to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    "       to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    "       total, done, failed, dead, cancelled, complete_job_id, success_job_id"
    "  FROM spawnq.batches";

}  // namespace

const std::vector<Statement>& batch_store_statements() {
  static const std::vector<Statement> all = {
      {"batch_open",
       "SELECT spawnq.batch_open(on_complete => $1, on_success => $2, queue => $3, payload => $4::jsonb,"
       " description => $5)"},
      {"batch_close", "SELECT spawnq.batch_close($1)"},
      {"batch_find", kBatchColumns + " WHERE id = $1"},
      // Open ones by batches_open_idx, recent ones by batches_completed_idx.
      {"batch_recent",
       kBatchColumns + " WHERE completed_at IS NULL OR completed_at > now() - interval '1 day'"
                       " ORDER BY id DESC LIMIT $1"},
  };
  return all;
}

}  // namespace spawnq
