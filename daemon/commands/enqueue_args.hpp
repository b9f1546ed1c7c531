// The flags of `spawnq enqueue`, checked and turned into an EnqueueRequest.
// Pure apart from reading the payload's source (a file or stdin), so every
// rule for bad input is tested without a database. Errors are UsageErrors
// that name the flag.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job_store.hpp"
#include "config/job_filter_text.hpp"

namespace spawnq {

struct EnqueueFlags {
  std::string job_type;
  std::string queue = "default";
  std::string payload = "{}";  // JSON, @FILE or -
  std::optional<int> priority;  // none: the database's default
  std::optional<std::string> delay;
  std::optional<std::string> at;
  std::optional<int> max_attempts;
  std::optional<std::string> reference;
  std::optional<std::string> group;
  std::optional<std::string> after;  // "ID[,ID…]"
  std::optional<std::string> unique_for;  // a duration, with --reference
  std::optional<std::int64_t> batch;
};

// The JSON text behind --payload: the value itself, a file's content
// (@FILE), or standard input (-).
std::string read_payload_argument(const std::string& value, std::istream& stdin_stream);

// `text` if it is a JSON object, compacted; else a UsageError naming --payload.
std::string checked_payload(const std::string& text);

// Validates everything; `payload_text` is what read_payload_argument returned.
EnqueueRequest to_enqueue_request(const EnqueueFlags& flags, const std::string& payload_text);

// "12,15,20" → {12, 15, 20}; each a positive integer, at least one.
std::vector<JobId> parse_job_ids(const std::string& text, const char* flag);

}  // namespace spawnq
