// AuditLog is the part of JobStore for spawnq.audit_log: every action taken
// from the web console (who, what, on which jobs, with what result), written
// once and read newest first. The statements are in audit_log_sql.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "job.hpp"
#include "statement.hpp"

namespace spawnq {

struct AuditEntry {
  std::int64_t id = 0;      // set when read
  std::string at;           // ISO 8601, UTC; set when read
  std::string user;         // who acted
  std::string action;       // retry, cancel, delete, pause, resume, run_schedule
  std::string target;       // "jobs", a queue or a schedule name
  std::vector<JobId> job_ids;
  std::string detail;       // what came of it
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::optional<std::int64_t> next_before_id;  // set when older entries remain
};

class AuditLog {
 public:
  AuditLog(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  std::int64_t record(const AuditEntry& entry);

  // At most `limit` entries below `before_id`, newest first.
  AuditPage list(std::optional<std::int64_t> before_id, int limit);

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& audit_log_statements();

}  // namespace spawnq
