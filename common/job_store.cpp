#include "job_store.hpp"

namespace spawnq {

JobStore::JobStore(pqxx::connection& conn, Pooler pooler)
    : sql_(conn, pooler,
           {&job_queue_statements(), &worker_registry_statements(), &job_admin_statements(),
            &job_search_statements(), &schedule_store_statements()}),
      jobs_(conn, sql_),
      workers_(conn, sql_),
      admin_(conn, sql_),
      search_(conn, sql_),
      schedules_(conn, sql_, jobs_) {}

}  // namespace spawnq
