#include "job_store.hpp"

namespace spawnq {

JobStore::JobStore(pqxx::connection& conn, Pooler pooler, std::optional<std::chrono::milliseconds> statement_timeout)
    : sql_(conn, pooler,
           {&job_queue_statements(), &worker_registry_statements(), &job_admin_statements(),
            &job_search_statements(), &schedule_store_statements(), &audit_log_statements(),
            &batch_store_statements()},
           statement_timeout),
      jobs_(conn, sql_),
      workers_(conn, sql_),
      admin_(conn, sql_),
      search_(conn, sql_),
      schedules_(conn, sql_, jobs_),
      audit_(conn, sql_),
      batches_(conn, sql_) {}

}  // namespace spawnq
