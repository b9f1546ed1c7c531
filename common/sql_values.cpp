#include "sql_values.hpp"

namespace spawnq {


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

// A bigint[] literal.
std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string literal = "{";
  for (std::int64_t id : ids) literal += (literal.size() > 1 ? "," : "") + std::to_string(id);
  return literal + "}";
}


double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }


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

}  // namespace spawnq
