// Values to and from SQL for the stores: array literals for parameters, and
// fields and rows read back. Pure conversions, no statements.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "job.hpp"

namespace spawnq {

// A text[] literal; elements are quoted and escaped, so any text is safe.
std::string to_text_array(const std::vector<std::string>& items);
std::string to_text_array(const std::vector<JobStatus>& statuses);
// A bigint[] literal.
std::string id_array(const std::vector<std::int64_t>& ids);
double seconds(std::chrono::milliseconds d);  // a parameter in float8 seconds
JobStatus status_field(const pqxx::field& field);
// Columns: id, queue, job_type, payload, priority, attempt, max_attempts, reference, job_group.
ClaimedJob claimed_job(const pqxx::row& row);

template <typename T>
nlohmann::json json_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> optional_field(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

}  // namespace spawnq
