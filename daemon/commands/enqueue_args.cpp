#include "enqueue_args.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "common/errors.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void check_text(const std::optional<std::string>& value, const char* flag) {
  if (value && value->empty()) throw UsageError(std::string(flag) + ": must not be empty");
}

}  // namespace

std::string checked_payload(const std::string& text) {
  nlohmann::json payload;
  try {
    payload = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, …"
    const std::string what = e.what();
    const auto start = what.find("] ");
    throw UsageError("--payload: invalid JSON: " +
                     (start == std::string::npos ? what : what.substr(start + 2)));
  }
  if (!payload.is_object()) {
    throw UsageError(std::string("--payload: must be a JSON object, got a JSON ") + payload.type_name());
  }
  return payload.dump();
}

std::string read_payload_argument(const std::string& value, std::istream& stdin_stream) {
  if (value == "-") return read_all(stdin_stream);
  if (!value.empty() && value.front() == '@') {
    const std::string path = value.substr(1);
    std::ifstream file(path);
    if (!file) throw UsageError("--payload: cannot read " + path + ": " + std::strerror(errno));
    return read_all(file);
  }
  return value;
}

std::vector<JobId> parse_job_ids(const std::string& text, const char* flag) {
  std::vector<JobId> ids;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    JobId id = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || id < 1) {
      throw UsageError(std::string(flag) + ": '" + item + "' is not a job id (a positive integer)");
    }
    ids.push_back(id);
    start = comma + 1;
  }
  return ids;
}

EnqueueRequest to_enqueue_request(const EnqueueFlags& flags, const std::string& payload_text) {
  // The same words as the database's own check (sql/008_door.sql).
  if (flags.job_type.empty()) throw UsageError("JOB_TYPE: must be a non-empty name, got ''");
  if (!valid_queue_name(flags.queue)) {
    throw UsageError("--queue: must be 1-56 characters of A-Z a-z 0-9 _ . -, got '" + flags.queue + "'");
  }
  if (flags.priority && (*flags.priority < 1 || *flags.priority > 10)) {
    throw UsageError("--priority: must be between 1 and 10, got " + std::to_string(*flags.priority));
  }
  if (flags.unique_for && !flags.reference) {
    throw UsageError("--unique-for: needs --reference (the window holds jobs of the same queue and reference)");
  }
  if (flags.batch) require_at_least("--batch", *flags.batch, 1);
  if (flags.max_attempts) require_at_least("--max-attempts", *flags.max_attempts, 1);
  check_text(flags.reference, "--reference");
  check_text(flags.group, "--group");

  EnqueueRequest request;
  request.job_type = flags.job_type;
  request.queue = flags.queue;
  request.payload_json = checked_payload(payload_text);
  request.priority = flags.priority;
  request.max_attempts = flags.max_attempts;
  request.reference = flags.reference;
  request.job_group = flags.group;
  if (flags.after) request.after = parse_job_ids(*flags.after, "--after");
  if (flags.delay) request.delay = parse_duration_flag("--delay", *flags.delay);
  if (flags.unique_for) {
    request.unique_for = parse_duration_flag("--unique-for", *flags.unique_for, DurationBound::positive);
  }
  request.batch = flags.batch;
  if (flags.at) {
    request.run_at = normalize_timestamp(*flags.at);
    if (!request.run_at) {
      throw UsageError("--at: not a timestamp such as 2026-11-23T10:00:00Z, got '" + *flags.at + "'");
    }
  }
  return request;
}


}  // namespace spawnq
