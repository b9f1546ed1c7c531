#include "job_store.hpp"

#include <pqxx/pqxx>

namespace spawnq {
namespace {

constexpr const char* kLiveStatuses = "('pending', 'processing', 'retry_wait')";

// The statements, prepared once per connection (lazily, on first use).
struct Statement {
  const char* name;
  std::string sql;
};

const std::vector<Statement>& statements() {
  static const std::vector<Statement> all = {
      {"enqueue",
       "SELECT spawnq.enqueue(job_type => $1, payload => $2::jsonb, queue => $3, priority => $4,"
       " run_at => COALESCE($5::timestamptz, now() + make_interval(secs => COALESCE($6::float8, 0))),"
       " max_attempts => $7, reference => $8, job_group => $9)"},
      {"claim",
       "WITH picked AS ("
       "  SELECT id FROM spawnq.jobs"
       "   WHERE queue = $1 AND status IN ('pending', 'retry_wait') AND available_at <= now()"
       "   ORDER BY priority DESC, available_at, id"
       "   LIMIT $2 FOR UPDATE SKIP LOCKED),"
       " claimed AS ("
       "  UPDATE spawnq.jobs j SET status = 'processing', attempts = j.attempts + 1,"
       "         max_attempts = COALESCE(j.max_attempts, $4), worker_id = $3,"
       "         started_at = now(), finished_at = NULL, progress = NULL"
       "    FROM picked WHERE j.id = picked.id"
       "  RETURNING j.*),"
       " opened AS ("
       "  INSERT INTO spawnq.job_attempts (job_id, attempt, worker_id)"
       "  SELECT id, attempts, $3 FROM claimed)"
       " SELECT id, queue, job_type, payload::text, priority, attempts, max_attempts,"
       "        reference, job_group"
       "   FROM claimed ORDER BY priority DESC, available_at, id"},
      {"record",
       "WITH job AS ("
       "  UPDATE spawnq.jobs SET status = $4::text,"
       "         available_at = CASE WHEN $4::text = 'retry_wait'"
       "                             THEN now() + make_interval(secs => $5::float8)"
       "                             ELSE available_at END,"
       "         finished_at = CASE WHEN $4::text = 'retry_wait' THEN NULL ELSE now() END,"
       "         progress = CASE WHEN $4::text = 'done' THEN 1 ELSE progress END,"
       "         last_error = CASE WHEN $4::text = 'done' THEN last_error ELSE $10 END"
       "   WHERE id = $1 AND attempts = $2 AND worker_id = $3 AND status = 'processing'"
       "  RETURNING id),"
       " attempt AS ("
       "  UPDATE spawnq.job_attempts a SET finished_at = now(), outcome = $6, pid = $7,"
       "         exit_code = $8, signal = $9, error = $10, output_tail = $11"
       "    FROM job WHERE a.job_id = job.id AND a.attempt = $2 AND a.worker_id = $3"
       "     AND a.finished_at IS NULL)"
       " SELECT count(*) FROM job"},
      {"register_worker",
       "INSERT INTO spawnq.workers (host, pid, queues, version) VALUES ($1, $2, $3::text[], $4)"
       " RETURNING id"},
      {"remove_worker", "DELETE FROM spawnq.workers WHERE id = $1"},
      {"heartbeat", "UPDATE spawnq.workers SET heartbeat_at = now() WHERE id = $1 RETURNING id"},
      {"update_progress",
       "UPDATE spawnq.jobs SET progress = $4"
       " WHERE id = $1 AND attempts = $2 AND worker_id = $3 AND status = 'processing' RETURNING id"},
      {"release_unknown_claims",
       "WITH released AS ("
       "  UPDATE spawnq.jobs SET status = 'pending', attempts = attempts - 1, started_at = NULL"
       "   WHERE worker_id = $1 AND queue = $2 AND status = 'processing'"
       "     AND NOT (id = ANY($3::bigint[]))"
       "  RETURNING id, attempts + 1 AS attempt),"
       " forgotten AS ("
       "  DELETE FROM spawnq.job_attempts a USING released"
       "   WHERE a.job_id = released.id AND a.attempt = released.attempt AND a.worker_id = $1"
       "     AND a.finished_at IS NULL)"
       " SELECT id FROM released ORDER BY id"},
      {"load_job",
       "SELECT id, queue, job_type, payload::text, priority, attempts + 1,"
       "       COALESCE(max_attempts, $2), reference, job_group"
       "  FROM spawnq.jobs WHERE id = $1"},
      {"record_manual",
       "WITH job AS ("
       "  UPDATE spawnq.jobs SET status = $3::text, attempts = $2, worker_id = NULL,"
       "         started_at = now(),"
       "         available_at = CASE WHEN $3::text = 'retry_wait'"
       "                             THEN now() + make_interval(secs => $4::float8)"
       "                             ELSE available_at END,"
       "         finished_at = CASE WHEN $3::text = 'retry_wait' THEN NULL ELSE now() END,"
       "         progress = CASE WHEN $3::text = 'done' THEN 1 ELSE progress END,"
       "         last_error = CASE WHEN $3::text = 'done' THEN last_error ELSE $9 END"
       "   WHERE id = $1 AND status IN ('pending', 'retry_wait', 'failed', 'dead')"
       "  RETURNING id),"
       " attempt AS ("
       "  INSERT INTO spawnq.job_attempts (job_id, attempt, pid, started_at, finished_at, outcome,"
       "                                   exit_code, signal, error, output_tail)"
       "  SELECT id, $2, $6, now(), now(), $5, $7, $8, $9, $10 FROM job)"
       " SELECT count(*) FROM job"},
      {"stats",
       "SELECT queue, status, count(*),"
       "       extract(epoch FROM now() - min(available_at) FILTER ("
       "         WHERE status IN ('pending', 'retry_wait') AND available_at <= now()))::float8"
       "  FROM spawnq.jobs WHERE ($1::text IS NULL OR queue = $1)"
       " GROUP BY queue, status ORDER BY queue"},
      {"show_job", "SELECT row_to_json(j)::text FROM spawnq.jobs j WHERE id = $1"},
      {"show_attempts",
       "SELECT COALESCE(json_agg(a ORDER BY a.id), '[]')::text"
       "  FROM (SELECT id, attempt, worker_id, pid, started_at, finished_at, exit_code, signal,"
       "               outcome, error, output_tail"
       "          FROM spawnq.job_attempts WHERE job_id = $1) a"},
      {"requeue_stuck",
       "WITH stuck AS ("
       "  SELECT j.id FROM spawnq.jobs j LEFT JOIN spawnq.workers w ON w.id = j.worker_id"
       "   WHERE j.status = 'processing' AND ($1::text IS NULL OR j.queue = $1)"
       "     AND (w.id IS NULL OR w.heartbeat_at < now() - make_interval(secs => $2::float8))"
       "   FOR UPDATE OF j SKIP LOCKED),"
       " moved AS ("
       "  UPDATE spawnq.jobs j"
       "     SET status = CASE WHEN j.attempts >= COALESCE(j.max_attempts, $3)"
       "                       THEN 'dead' ELSE 'retry_wait' END,"
       "         available_at = now(),"
       "         finished_at = CASE WHEN j.attempts >= COALESCE(j.max_attempts, $3)"
       "                            THEN now() END,"
       "         last_error = 'lost: worker ' || COALESCE(j.worker_id::text, '?')"
       "                      || ' stopped answering while the job ran'"
       "    FROM stuck WHERE j.id = stuck.id"
       "  RETURNING j.id, j.queue, j.status, j.attempts, j.worker_id, j.last_error),"
       " closed AS ("
       "  UPDATE spawnq.job_attempts a SET finished_at = now(), outcome = 'lost',"
       "         error = moved.last_error"
       "    FROM moved WHERE a.job_id = moved.id AND a.attempt = moved.attempts"
       "     AND a.finished_at IS NULL)"
       " SELECT id, queue, status FROM moved ORDER BY id"},
      {"retry_failed",
       std::string("WITH candidates AS (") +
           "  SELECT j.id FROM spawnq.jobs j"
           "   WHERE j.status = ANY($2::text[]) AND ($1::text IS NULL OR j.queue = $1)"
           // A reference may name one live job: skip it if another holds it,
           // and revive only the newest of several finished holders.
           "     AND (j.reference IS NULL OR ("
           "       NOT EXISTS (SELECT 1 FROM spawnq.jobs l WHERE l.queue = j.queue"
           "                    AND l.reference = j.reference AND l.status IN " +
           kLiveStatuses +
           ")"
           "       AND j.id = (SELECT max(k.id) FROM spawnq.jobs k WHERE k.queue = j.queue"
           "                    AND k.reference = j.reference AND k.status = ANY($2::text[]))))"
           "   ORDER BY j.id LIMIT $3 FOR UPDATE SKIP LOCKED)"
           " UPDATE spawnq.jobs j SET status = 'pending', attempts = 0, available_at = now(),"
           "        started_at = NULL, finished_at = NULL, progress = NULL"
           "   FROM candidates WHERE j.id = candidates.id RETURNING j.id"},
      {"cancel",
       "UPDATE spawnq.jobs SET status = 'cancelled', finished_at = now()"
       " WHERE id = $1 AND status IN ('pending', 'retry_wait') RETURNING id"},
      {"job_status", "SELECT status FROM spawnq.jobs WHERE id = $1"},
      {"cleanup",
       "WITH doomed AS ("
       "  SELECT id FROM spawnq.jobs"
       "   WHERE status = ANY($1::text[])"
       "     AND COALESCE(finished_at, created_at) < now() - make_interval(secs => $2::float8)"
       "   LIMIT $3 FOR UPDATE SKIP LOCKED)"
       " DELETE FROM spawnq.jobs j USING doomed WHERE j.id = doomed.id"},
  };
  return all;
}

// A text[] literal; elements are quoted and escaped, so any text is safe.
std::string to_text_array(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (const std::string& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

std::string to_text_array(const std::vector<JobStatus>& statuses) {
  std::vector<std::string> names;
  for (JobStatus status : statuses) names.emplace_back(to_string(status));
  return to_text_array(names);
}

double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

template <typename T>
std::optional<T> optional_field(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

JobStatus status_field(const pqxx::field& field) {
  return parse_job_status(field.as<std::string>()).value_or(JobStatus::failed);
}

// Columns: id, queue, job_type, payload, priority, attempt, max_attempts, reference, job_group.
ClaimedJob claimed_job(const pqxx::row& row) {
  return ClaimedJob{row[0].as<JobId>(),       row[1].as<std::string>(), row[2].as<std::string>(),
                    row[3].as<std::string>(), row[4].as<int>(),         row[5].as<int>(),
                    row[6].as<int>(),         optional_field<std::string>(row[7]),
                    optional_field<std::string>(row[8])};
}

}  // namespace

JobStore::JobStore(pqxx::connection& conn) : conn_(conn) {
  for (const Statement& statement : statements()) conn_.prepare(statement.name, statement.sql);
}

JobId JobStore::enqueue(const EnqueueRequest& r) {
  pqxx::work w(conn_);
  std::optional<double> delay;
  if (r.delay) delay = seconds(*r.delay);
  const auto row = w.exec_prepared1("enqueue", r.job_type, r.payload_json, r.queue, r.priority,
                                    r.run_at, delay, r.max_attempts, r.reference, r.job_group);
  w.commit();
  return row[0].as<JobId>();
}

std::vector<ClaimedJob> JobStore::claim(const std::string& queue, int limit, WorkerId worker,
                                        int default_max_attempts) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("claim", queue, limit, worker, default_max_attempts);
  w.commit();
  std::vector<ClaimedJob> jobs;
  jobs.reserve(rows.size());
  for (const auto& row : rows) jobs.push_back(claimed_job(row));
  return jobs;
}

bool JobStore::record(const AttemptRecord& r) {
  pqxx::work w(conn_);
  const auto row = w.exec_prepared1(
      "record", r.job_id, r.attempt, r.worker_id, std::string(to_string(r.next_status)),
      seconds(r.retry_delay), std::string(to_string(r.outcome)), r.pid, r.exit_code, r.signal,
      r.error, r.output_tail);
  w.commit();
  return row[0].as<std::int64_t>() == 1;
}

bool JobStore::update_progress(JobId job, int attempt, WorkerId worker, double fraction) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("update_progress", job, attempt, worker, fraction);
  w.commit();
  return !rows.empty();
}

std::vector<JobId> JobStore::release_unknown_claims(WorkerId worker, const std::string& queue,
                                                    const std::vector<JobId>& running) {
  std::vector<std::string> ids;
  for (JobId id : running) ids.push_back(std::to_string(id));
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("release_unknown_claims", worker, queue, to_text_array(ids));
  w.commit();
  std::vector<JobId> released;
  for (const auto& row : rows) released.push_back(row[0].as<JobId>());
  return released;
}

std::optional<ClaimedJob> JobStore::load_job(JobId id, int default_max_attempts) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("load_job", id, default_max_attempts);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return claimed_job(rows[0]);
}

std::optional<JobStatus> JobStore::job_status(JobId id) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("job_status", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return status_field(rows[0][0]);
}

bool JobStore::record_manual(const AttemptRecord& r) {
  pqxx::work w(conn_);
  const auto row = w.exec_prepared1("record_manual", r.job_id, r.attempt,
                                    std::string(to_string(r.next_status)), seconds(r.retry_delay),
                                    std::string(to_string(r.outcome)), r.pid, r.exit_code, r.signal,
                                    r.error, r.output_tail);
  w.commit();
  return row[0].as<std::int64_t>() == 1;
}

bool JobStore::heartbeat(WorkerId worker) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("heartbeat", worker);
  w.commit();
  return !rows.empty();
}

WorkerId JobStore::register_worker(const std::string& host, int pid,
                                   const std::vector<std::string>& queues,
                                   const std::string& version) {
  pqxx::work w(conn_);
  const auto row = w.exec_prepared1("register_worker", host, pid, to_text_array(queues), version);
  w.commit();
  return row[0].as<WorkerId>();
}

void JobStore::remove_worker(WorkerId worker) {
  pqxx::work w(conn_);
  w.exec_prepared0("remove_worker", worker);
  w.commit();
}

std::vector<QueueStats> JobStore::stats(const std::optional<std::string>& queue) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("stats", queue);
  w.commit();
  std::vector<QueueStats> result;
  for (const auto& row : rows) {
    const std::string name = row[0].as<std::string>();
    if (result.empty() || result.back().queue != name) result.push_back(QueueStats{name, {}, {}});
    QueueStats& stats = result.back();
    stats.counts[status_field(row[1])] += row[2].as<std::int64_t>();
    if (auto age = optional_field<double>(row[3])) {
      stats.oldest_pending_age_s = std::max(stats.oldest_pending_age_s.value_or(0.0), *age);
    }
  }
  return result;
}

std::optional<JobDetails> JobStore::show(JobId id) {
  pqxx::work w(conn_);
  const auto job = w.exec_prepared("show_job", id);
  if (job.empty()) return std::nullopt;
  const auto attempts = w.exec_prepared1("show_attempts", id);
  w.commit();
  return JobDetails{nlohmann::ordered_json::parse(job[0][0].as<std::string>()),
                    nlohmann::ordered_json::parse(attempts[0].as<std::string>())};
}

std::vector<RequeuedJob> JobStore::requeue_stuck(const std::optional<std::string>& queue,
                                                 std::chrono::milliseconds silent_for,
                                                 int default_max_attempts) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("requeue_stuck", queue, seconds(silent_for), default_max_attempts);
  w.commit();
  std::vector<RequeuedJob> jobs;
  for (const auto& row : rows) {
    jobs.push_back(RequeuedJob{row[0].as<JobId>(), row[1].as<std::string>(), status_field(row[2])});
  }
  return jobs;
}

std::vector<JobId> JobStore::retry_failed(const std::optional<std::string>& queue,
                                          const std::vector<JobStatus>& statuses,
                                          std::optional<std::int64_t> limit) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("retry_failed", queue, to_text_array(statuses), limit);
  w.commit();
  std::vector<JobId> ids;
  for (const auto& row : rows) ids.push_back(row[0].as<JobId>());
  return ids;
}

CancelResult JobStore::cancel(JobId id) {
  pqxx::work w(conn_);
  if (!w.exec_prepared("cancel", id).empty()) {
    w.commit();
    return CancelResult{CancelResult::Kind::cancelled, JobStatus::cancelled};
  }
  const auto rows = w.exec_prepared("job_status", id);
  w.commit();
  if (rows.empty()) return CancelResult{CancelResult::Kind::not_found, JobStatus::cancelled};
  const JobStatus status = status_field(rows[0][0]);
  return CancelResult{status == JobStatus::processing ? CancelResult::Kind::running
                                                      : CancelResult::Kind::finished,
                      status};
}

std::int64_t JobStore::cleanup(std::chrono::milliseconds older_than,
                               const std::vector<JobStatus>& statuses, int batch_size) {
  const std::string status_array = to_text_array(statuses);
  std::int64_t deleted = 0;
  for (;;) {
    pqxx::work w(conn_);
    const auto result = w.exec_prepared("cleanup", status_array, seconds(older_than), batch_size);
    w.commit();
    deleted += static_cast<std::int64_t>(result.affected_rows());
    if (result.affected_rows() < static_cast<pqxx::result::size_type>(batch_size)) return deleted;
  }
}

}  // namespace spawnq
