// The statements of job search, in the StatementBook of JobStore.
#include "job_search.hpp"

namespace spawnq {

namespace {

// A failure's group: the first line of its error with ids and numbers
// folded, so "order 42 not found" and "order 97 not found" are one group.
// UUIDs and hex words with a digit of 8 or more characters become <id>,
// then every run of digits <n>; 200 characters at most.
const std::string kErrorGroup =
    "left(regexp_replace(regexp_replace(regexp_replace(split_part(COALESCE(last_error, ''), E'\\n', 1),"
    " '[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}', '<id>', 'g'),"
    " '\\m(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\\M', '<id>', 'g'), '[0-9]+', '<n>', 'g'), 200)";

// What a JobFilter narrows to, as $1…$9 in JobFilter's field order: one
// text for every statement that reads a filter, so the list, the counts and
// a bulk action can never disagree about which jobs match.
const std::string kMatchesFilter =
    " WHERE ($1::text IS NULL OR queue = $1)"
    "   AND ($2::text[] IS NULL OR status = ANY($2::text[]))"
    "   AND ($3::text IS NULL OR job_type = $3)"
    "   AND ($4::text IS NULL OR (last_error IS NOT NULL AND strpos(lower(last_error), lower($4)) > 0))"
    "   AND ($5::timestamptz IS NULL OR created_at >= $5::timestamptz)"
    "   AND ($6::float8 IS NULL OR created_at >= now() - make_interval(secs => $6))"
    "   AND ($7::bigint IS NULL OR id < $7)"
    "   AND ($8::text IS NULL OR " + kErrorGroup + " = $8)"
    "   AND ($9::bigint IS NULL OR batch_id = $9)";

// One capped count per status, each its own subquery with the status as a
// constant so that the partial index of that status serves it.
std::string count_by_status_sql() {
  std::string sql;
  for (const JobStatus status : kAllStatuses) {
    const std::string name(to_string(status));
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT '" + name + "', (SELECT count(*) FROM (SELECT 1 FROM spawnq.jobs" + kMatchesFilter +
           " AND status = '" + name + "' LIMIT $10) capped)";
  }
  return sql;
}

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
           kMatchesFilter + " ORDER BY id DESC LIMIT $10"},
      // Oldest first: a bulk action takes the jobs that have waited longest.
      {"match_job_ids", std::string("SELECT id FROM spawnq.jobs") + kMatchesFilter + " ORDER BY id LIMIT $10"},
      {"count_by_status", count_by_status_sql()},
      // The newest $1 failures (jobs_failed_idx), grouped: a bounded read
      // however many failures the table holds.
      {"failure_groups",
       "SELECT grp, count(*), array_to_string(array_agg(DISTINCT job_type ORDER BY job_type), ','),"
       "       to_char(min(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
       "       to_char(max(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
       "       min(first_line), array_to_string(array_agg(DISTINCT status ORDER BY status), ',')"
       "  FROM (SELECT " + kErrorGroup + " AS grp, job_type, finished_at, status,"
       "               split_part(COALESCE(last_error, ''), E'\\n', 1) AS first_line"
       "          FROM spawnq.jobs WHERE status IN ('failed', 'dead')"
       "         ORDER BY finished_at DESC LIMIT $1) recent"
       " GROUP BY grp ORDER BY count(*) DESC, max(finished_at) DESC LIMIT $2"},
      // Jobs finished in each of the last $1 minutes, by queue (minute 0 is
      // the current one), through jobs_finished_idx.
      {"finished_per_minute",
       "SELECT queue, floor(extract(epoch FROM now() - finished_at) / 60)::int,"
       "       count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status <> 'done')"
       "  FROM spawnq.jobs WHERE status IN ('done', 'failed', 'dead', 'cancelled')"
       "   AND finished_at > now() - make_interval(mins => $1)"
       " GROUP BY 1, 2"},
      {"list_workers",
       "SELECT w.id, w.host, w.pid, w.version, array_to_string(w.queues, ','),"
       "       to_char(w.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
       "       extract(epoch FROM now() - w.heartbeat_at)::float8, w.draining_since IS NOT NULL,"
       "       (SELECT count(*) FROM spawnq.jobs j WHERE j.worker_id = w.id AND j.status = 'processing'),"
       "       COALESCE(w.max_workers, '{}')::text, COALESCE(w.queue_shares, '{}')::text"
       "  FROM spawnq.workers w ORDER BY w.id"},
  };
  return all;
}

}  // namespace spawnq
