// The statements of the audit log, in the StatementBook of JobStore.
#include "audit_log.hpp"

namespace spawnq {

const std::vector<Statement>& audit_log_statements() {
  static const std::vector<Statement> all = {
      {"record_audit",
       "INSERT INTO spawnq.audit_log (user_name, action, target, job_ids, detail)"
       " VALUES ($1, $2, $3, $4::bigint[], $5) RETURNING id"},
      {"list_audit",
       "SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), user_name, action, target,"
       "       array_to_string(job_ids, ','), detail"
       "  FROM spawnq.audit_log WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"},
  };
  return all;
}

}  // namespace spawnq
