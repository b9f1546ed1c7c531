#include "envelope.hpp"

#include <algorithm>
#include <cmath>

namespace spawnq {
namespace {

using nlohmann::json;

template <typename T>
T required(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) throw EnvelopeError(std::string("envelope: missing \"") + key + "\"");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw EnvelopeError(std::string("envelope: \"") + key + "\" has the wrong type");
  }
}

std::optional<std::string> optional_text(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

}  // namespace

std::string format_size(std::uint64_t bytes) {
  const char* units = "KMGT";
  for (int i = 3; i >= 0; --i) {
    const std::uint64_t unit = std::uint64_t{1} << (10 * (i + 1));
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + units[i];
  }
  return std::to_string(bytes);
}

std::string format_envelope(const Envelope& e, std::string_view payload_json) {
  json object = {{"id", e.id},         {"queue", e.queue},
                 {"job_type", e.job_type}, {"attempt", e.attempt},
                 {"max_attempts", e.max_attempts}, {"timeout_s", e.timeout_s}};
  if (e.command) {
    object["command"] = {{"argv", e.command->argv},
                         {"env", e.command->env},
                         {"working_dir", e.command->working_dir}};
  }
  json limits = json::object();
  if (e.limits.memory_bytes) limits["memory_bytes"] = *e.limits.memory_bytes;
  if (e.limits.cpu_time_s) limits["cpu_time_s"] = *e.limits.cpu_time_s;
  if (e.limits.open_files) limits["open_files"] = *e.limits.open_files;
  if (e.limits.processes) limits["processes"] = *e.limits.processes;
  if (e.limits.core_bytes) limits["core_bytes"] = *e.limits.core_bytes;
  if (!limits.empty()) object["limits"] = limits;
  if (e.run_as) {
    object["run_as"] = {{"user", e.run_as->user}, {"uid", e.run_as->uid}, {"gid", e.run_as->gid},
                        {"groups", e.run_as->groups}};
  }
  std::string text = object.dump();
  text.pop_back();  // the closing brace: the payload goes in before it
  text += ",\"payload\":";
  text += payload_json;
  text += "}";
  return text;
}

Envelope parse_envelope(std::string_view text) {
  json object;
  try {
    object = json::parse(text);
  } catch (const json::parse_error& e) {
    throw EnvelopeError(std::string("envelope: invalid JSON: ") + e.what());
  }
  if (!object.is_object()) throw EnvelopeError("envelope: not a JSON object");
  Envelope e;
  e.id = required<std::int64_t>(object, "id");
  e.queue = required<std::string>(object, "queue");
  e.job_type = required<std::string>(object, "job_type");
  e.attempt = required<int>(object, "attempt");
  e.max_attempts = required<int>(object, "max_attempts");
  e.timeout_s = required<double>(object, "timeout_s");
  const auto payload = object.find("payload");
  e.payload = payload == object.end() ? json::object() : *payload;
  if (const auto command = object.find("command"); command != object.end()) {
    if (!command->is_object()) throw EnvelopeError("envelope: \"command\" must be an object");
    CommandSpec spec;
    spec.argv = required<std::vector<std::string>>(*command, "argv");
    if (spec.argv.empty()) throw EnvelopeError("envelope: \"command.argv\" is empty");
    if (command->contains("env")) spec.env = required<std::map<std::string, std::string>>(*command, "env");
    if (command->contains("working_dir")) spec.working_dir = required<std::string>(*command, "working_dir");
    e.command = std::move(spec);
  }
  if (const auto limits = object.find("limits"); limits != object.end()) {
    if (!limits->is_object()) throw EnvelopeError("envelope: \"limits\" must be an object");
    if (limits->contains("memory_bytes")) e.limits.memory_bytes = required<std::uint64_t>(*limits, "memory_bytes");
    if (limits->contains("cpu_time_s")) e.limits.cpu_time_s = required<std::int64_t>(*limits, "cpu_time_s");
    if (limits->contains("open_files")) e.limits.open_files = required<std::uint64_t>(*limits, "open_files");
    if (limits->contains("processes")) e.limits.processes = required<std::uint64_t>(*limits, "processes");
    if (limits->contains("core_bytes")) e.limits.core_bytes = required<std::uint64_t>(*limits, "core_bytes");
  }
  if (const auto run_as = object.find("run_as"); run_as != object.end()) {
    if (!run_as->is_object()) throw EnvelopeError("envelope: \"run_as\" must be an object");
    e.run_as = RunAs{required<std::string>(*run_as, "user"), required<unsigned>(*run_as, "uid"),
                     required<unsigned>(*run_as, "gid"), required<std::vector<unsigned>>(*run_as, "groups")};
  }
  return e;
}

std::vector<std::string> job_base_environment(char** base) {
  std::vector<std::string> entries;
  for (char** e = base; e && *e; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("SPAWNQ_") || entry.starts_with("PG")) continue;
    entries.emplace_back(entry);
  }
  return entries;
}

std::vector<std::string> job_environment(const std::vector<std::string>& base, std::int64_t job_id,
                                         const std::string& queue, const std::string& job_type,
                                         int attempt, long parent_pid) {
  std::vector<std::string> entries;
  entries.reserve(base.size() + 6);
  entries = base;
  entries.push_back("SPAWNQ_JOB_ID=" + std::to_string(job_id));
  entries.push_back("SPAWNQ_QUEUE=" + queue);
  entries.push_back("SPAWNQ_JOB_TYPE=" + job_type);
  entries.push_back("SPAWNQ_ATTEMPT=" + std::to_string(attempt));
  entries.push_back("SPAWNQ_RESULT_FD=3");
  entries.push_back("SPAWNQ_PARENT_PID=" + std::to_string(parent_pid));
  return entries;
}

std::vector<std::string> command_environment(const std::vector<std::string>& job,
                                             const std::map<std::string, std::string>& extra) {
  std::vector<std::string> entries;
  entries.reserve(job.size() + extra.size());
  for (const std::string& entry : job) {
    if (!extra.count(entry.substr(0, entry.find('=')))) entries.push_back(entry);
  }
  for (const auto& [name, value] : extra) entries.push_back(name + "=" + value);
  return entries;
}

std::optional<ChildMessage> parse_child_message(std::string_view line, std::string& error) {
  json object;
  try {
    object = json::parse(line);
  } catch (const json::parse_error&) {
    error = "not JSON";
    return std::nullopt;
  }
  if (!object.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  if (const auto progress = object.find("progress"); progress != object.end()) {
    if (!progress->is_number() || !std::isfinite(progress->get<double>())) {
      error = "\"progress\" must be a number";
      return std::nullopt;
    }
    const double fraction = std::clamp(progress->get<double>(), 0.0, 1.0);
    return ProgressLine{fraction, optional_text(object, "message")};
  }
  const auto result = object.find("result");
  if (result == object.end() || !result->is_string()) {
    error = "neither \"progress\" nor \"result\"";
    return std::nullopt;
  }
  ResultLine r;
  const std::string kind = result->get<std::string>();
  if (kind == "success") r.kind = ResultLine::Kind::success;
  else if (kind == "retry") r.kind = ResultLine::Kind::retry;
  else if (kind == "fail") r.kind = ResultLine::Kind::fail;
  else {
    error = "unknown result \"" + kind + "\"";
    return std::nullopt;
  }
  r.error = optional_text(object, "error");
  if (const auto after = object.find("retry_after"); after != object.end() && after->is_number()) {
    const double seconds = after->get<double>();
    if (std::isfinite(seconds) && seconds >= 0) r.retry_after_s = seconds;
  }
  return r;
}

std::string format_child_message(const ChildMessage& message) {
  json object;
  if (const auto* progress = std::get_if<ProgressLine>(&message)) {
    object["progress"] = progress->fraction;
    if (progress->message) object["message"] = *progress->message;
  } else {
    const auto& result = std::get<ResultLine>(message);
    object["result"] = result.kind == ResultLine::Kind::success ? "success"
                       : result.kind == ResultLine::Kind::retry ? "retry"
                                                                : "fail";
    if (result.error) object["error"] = *result.error;
    if (result.retry_after_s) object["retry_after"] = *result.retry_after_s;
  }
  return object.dump() + "\n";
}

}  // namespace spawnq
