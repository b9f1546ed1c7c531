#include "batch_store.hpp"

#include <pqxx/pqxx>

#include "door_refusal.hpp"
#include "enum_names.hpp"
#include "sql_values.hpp"

namespace spawnq {
namespace {

constexpr EnumNames<BatchState, 3> kStateNames = {{{
    {BatchState::filling, "filling"},
    {BatchState::running, "running"},
    {BatchState::complete, "complete"},
}}};

Batch batch_of(const pqxx::row& row) {
  Batch b;
  b.id = row[0].as<BatchId>();
  b.description = optional_field<std::string>(row[1]);
  b.on_complete = optional_field<std::string>(row[2]);
  b.on_success = optional_field<std::string>(row[3]);
  b.queue = row[4].as<std::string>();
  b.payload_json = row[5].as<std::string>();
  b.created_at = row[6].as<std::string>();
  b.closed_at = optional_field<std::string>(row[7]);
  b.completed_at = optional_field<std::string>(row[8]);
  b.total = row[9].as<std::int64_t>();
  b.done = row[10].as<std::int64_t>();
  b.failed = row[11].as<std::int64_t>();
  b.dead = row[12].as<std::int64_t>();
  b.cancelled = row[13].as<std::int64_t>();
  b.complete_job = optional_field<JobId>(row[14]);
  b.success_job = optional_field<JobId>(row[15]);
  return b;
}

}  // namespace

std::string_view to_string(BatchState state) { return kStateNames.name(state); }

BatchState Batch::state() const {
  if (completed_at) return BatchState::complete;
  return closed_at ? BatchState::running : BatchState::filling;
}

BatchId BatchStore::open(const BatchRequest& r) {
  pqxx::work w(conn_);
  try {
    const BatchId id =
        sql_.exec1(w, "batch_open", r.on_complete, r.on_success, r.queue, r.payload_json, r.description)[0]
            .as<BatchId>();
    w.commit();
    return id;
  } catch (const pqxx::sql_error& e) {
    rethrow_door_refusal(e);
  }
}

bool BatchStore::close(BatchId id) {
  pqxx::work w(conn_);
  try {
    const bool closed = sql_.exec1(w, "batch_close", id)[0].as<bool>();
    w.commit();
    return closed;
  } catch (const pqxx::sql_error& e) {
    rethrow_door_refusal(e);
  }
}

std::optional<Batch> BatchStore::find(BatchId id) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "batch_find", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return batch_of(rows[0]);
}

std::vector<Batch> BatchStore::recent(int limit) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "batch_recent", limit);
  w.commit();
  std::vector<Batch> batches;
  for (const auto& row : rows) batches.push_back(batch_of(row));
  return batches;
}

}  // namespace spawnq
