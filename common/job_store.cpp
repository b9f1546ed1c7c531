#include "job_store.hpp"

namespace spawnq {

JobStore::JobStore(pqxx::connection& conn) : jobs_(conn), workers_(conn), admin_(conn), schedules_(conn, jobs_) {
  for (const auto* statements : {&job_queue_statements(), &worker_registry_statements(), &job_admin_statements(),
                                 &schedule_store_statements()}) {
    for (const Statement& statement : *statements) conn.prepare(statement.name, statement.sql);
  }
}

}  // namespace spawnq
