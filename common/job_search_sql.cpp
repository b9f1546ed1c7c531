// The statements of job search, in the StatementBook of JobStore.
#include "job_search.hpp"

namespace spawnq {

namespace {

// What a JobFilter narrows to, as $1…$7 in JobFilter's field order: one
// text for every statement that reads a filter, so the list and a bulk
// action can never disagree about which jobs match.
constexpr const char* kMatchesFilter =
    " WHERE ($1::text IS NULL OR queue = $1)"
    "   AND ($2::text[] IS NULL OR status = ANY($2::text[]))"
    "   AND ($3::text IS NULL OR job_type = $3)"
    "   AND ($4::text IS NULL OR strpos(lower(last_error), lower($4)) > 0)"
    "   AND ($5::timestamptz IS NULL OR created_at >= $5::timestamptz)"
    "   AND ($6::float8 IS NULL OR created_at >= now() - make_interval(secs => $6))"
    "   AND ($7::bigint IS NULL OR id < $7)";

}  // namespace

const std::vector<Statement>& job_search_statements() {
  static const std::vector<Statement> all = {
      // Newest first on the primary key, so a page reads about as many rows
      // as it shows when the filter is common, and never an OFFSET's worth.
      {"find_jobs",
       std::string("SELECT id, queue, job_type, status, attempts, max_attempts,"
                   "       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                   "       extract(epoch FROM now() - created_at)::float8,"
                   "       NULLIF(split_part(last_error, E'\\n', 1), '')"
                   "  FROM spawnq.jobs") +
           kMatchesFilter + " ORDER BY id DESC LIMIT $8"},
      // Oldest first: a bulk action takes the jobs that have waited longest.
      {"match_job_ids", std::string("SELECT id FROM spawnq.jobs") + kMatchesFilter + " ORDER BY id LIMIT $8"},
      {"list_workers",
       "SELECT w.id, w.host, w.pid, w.version, array_to_string(w.queues, ','),"
       "       to_char(w.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
       "       extract(epoch FROM now() - w.heartbeat_at)::float8, w.draining_since IS NOT NULL,"
       "       (SELECT count(*) FROM spawnq.jobs j WHERE j.worker_id = w.id AND j.status = 'processing')"
       "  FROM spawnq.workers w ORDER BY w.id"},
  };
  return all;
}

}  // namespace spawnq
