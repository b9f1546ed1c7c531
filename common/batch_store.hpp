// BatchStore is the part of JobStore for batches (migration 012): opening and
// closing one, and reading their progress. Members join a batch when they
// are enqueued (EnqueueRequest::batch); the database counts them and
// enqueues the callbacks itself, so nothing here runs per member. The
// statements are in batch_store_sql.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/connection>

#include "job.hpp"
#include "statement.hpp"

namespace spawnq {

using BatchId = std::int64_t;

struct BatchRequest {
  std::optional<std::string> on_complete;  // job type enqueued once every member is terminal
  std::optional<std::string> on_success;   // job type enqueued once every member is done
  std::optional<std::string> queue;        // the callbacks' queue; none: default
  std::string payload_json = "{}";         // handed to the callbacks as "payload"
  std::optional<std::string> description;
};

// filling: members may still join; running: closed, members still to
// finish; complete: callbacks enqueued, counts final.
enum class BatchState { filling, running, complete };
std::string_view to_string(BatchState state);

struct Batch {
  BatchId id = 0;
  std::optional<std::string> description;
  std::optional<std::string> on_complete;
  std::optional<std::string> on_success;
  std::string queue;
  std::string payload_json;
  std::string created_at;                   // ISO 8601, UTC
  std::optional<std::string> closed_at;
  std::optional<std::string> completed_at;
  std::int64_t total = 0, done = 0, failed = 0, dead = 0, cancelled = 0;
  std::optional<JobId> complete_job;        // the on_complete job, once enqueued
  std::optional<JobId> success_job;         // the on_success job, once enqueued

  BatchState state() const;
  std::int64_t finished() const { return done + failed + dead + cancelled; }
};

class BatchStore {
 public:
  BatchStore(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  // A refusal by the database's checks (a bad queue, payload or job type)
  // is a UsageError in its words.
  BatchId open(const BatchRequest& request);

  // True when this call closed it, false when it was closed already; a batch
  // that does not exist is a UsageError.
  bool close(BatchId id);

  std::optional<Batch> find(BatchId id);

  // Batches still open or completed within the last day, newest first.
  std::vector<Batch> recent(int limit);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& batch_store_statements();

}  // namespace spawnq
