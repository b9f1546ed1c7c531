#include "config_emitter.hpp"

#include <grp.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "common/database_url.hpp"

namespace spawnq {
namespace {

// A password hash is a secret too: it shows as "$argon2id$***", which still
// loads back as a config (and matches no password).
void emit_web(YAML::Emitter& out, const WebSettings& web) {
  out << YAML::Key << "web" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "listen" << YAML::Value << web.listen;
  if (!web.users.empty()) {
    out << YAML::Key << "users" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, user] : web.users) {
      out << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "password_hash" << YAML::Value
          << "$argon2id$***" << YAML::Key << "role" << YAML::Value << std::string(to_string(user.role))
          << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "show_payloads" << YAML::Value << (web.show_payloads ? "true" : "false");
  if (web.tls) {
    out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap << YAML::Key << "cert" << YAML::Value << web.tls->cert
        << YAML::Key << "key" << YAML::Value << web.tls->key << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_durations(YAML::Emitter& out, const std::vector<Duration>& durations) {
  out << YAML::Flow << YAML::BeginSeq;
  for (Duration d : durations) out << format_duration(d);
  out << YAML::EndSeq;
}

void emit_limits(YAML::Emitter& out, const JobLimits& limits) {
  if (limits == JobLimits{}) return;
  out << YAML::Key << "limits" << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (limits.memory_bytes) out << YAML::Key << "memory" << YAML::Value << format_size(*limits.memory_bytes);
  if (limits.cpu_time_s) {
    out << YAML::Key << "cpu_time" << YAML::Value << format_duration(std::chrono::seconds(*limits.cpu_time_s));
  }
  if (limits.open_files) out << YAML::Key << "open_files" << YAML::Value << *limits.open_files;
  if (limits.processes) out << YAML::Key << "processes" << YAML::Value << *limits.processes;
  if (limits.core_bytes) out << YAML::Key << "core" << YAML::Value << format_size(*limits.core_bytes);
  out << YAML::EndMap;
}

void emit_queue(YAML::Emitter& out, const QueueConfig& queue) {
  out << YAML::Key << queue.name << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "max_workers" << YAML::Value << queue.max_workers;
  out << YAML::Key << "timeout" << YAML::Value << format_duration(queue.timeout);
  out << YAML::Key << "max_attempts" << YAML::Value << queue.max_attempts;
  out << YAML::Key << "backoff" << YAML::Value;
  emit_durations(out, queue.backoff);
  emit_limits(out, queue.limits);
  if (queue.global_max_workers) out << YAML::Key << "global_max_workers" << YAML::Value << *queue.global_max_workers;
  if (queue.fair_by_group) out << YAML::Key << "fair_by" << YAML::Value << "group";
  if (queue.group_max_workers) out << YAML::Key << "group_max_workers" << YAML::Value << *queue.group_max_workers;
  out << YAML::EndMap;
}

void emit_handler(YAML::Emitter& out, const HandlerConfig& handler) {
  out << YAML::Key << handler.job_type << YAML::Value << YAML::BeginMap;
  if (!handler.argv.empty()) out << YAML::Key << "command" << YAML::Value << YAML::Flow << handler.argv;
  if (!handler.env.empty()) out << YAML::Key << "env" << YAML::Value << YAML::Flow << handler.env;
  if (!handler.working_dir.empty()) {
    out << YAML::Key << "working_dir" << YAML::Value << handler.working_dir;
  }
  if (handler.priority) out << YAML::Key << "priority" << YAML::Value << *handler.priority;
  if (handler.max_attempts) out << YAML::Key << "max_attempts" << YAML::Value << *handler.max_attempts;
  if (handler.backoff) {
    out << YAML::Key << "backoff" << YAML::Value;
    emit_durations(out, *handler.backoff);
  }
  if (handler.timeout) {
    out << YAML::Key << "timeout" << YAML::Value << format_duration(*handler.timeout);
  }
  emit_limits(out, handler.limits);
  if (handler.max_concurrency) out << YAML::Key << "max_concurrency" << YAML::Value << *handler.max_concurrency;
  if (handler.rate_limit) {
    out << YAML::Key << "rate" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "limit" << YAML::Value
        << *handler.rate_limit << YAML::Key << "per" << YAML::Value << format_duration(handler.rate_per)
        << YAML::EndMap;
  }
  if (handler.run_as) {
    out << YAML::Key << "user" << YAML::Value << handler.run_as->user;
    if (const struct group* gr = ::getgrgid(handler.run_as->gid)) out << YAML::Key << "group" << YAML::Value << gr->gr_name;
  }
  out << YAML::EndMap;
}

// JSON as YAML flow, strings always quoted so "123" stays a string.
void emit_json(YAML::Emitter& out, const nlohmann::json& value) {
  if (value.is_object()) {
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << YAML::DoubleQuoted << key << YAML::Value;
      emit_json(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : value) emit_json(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else if (value.is_boolean()) {
    out << value.get<bool>();
  } else {
    out << value.dump();  // numbers read the same in YAML
  }
}

void emit_schedule(YAML::Emitter& out, const ScheduleConfig& schedule) {
  out << YAML::Key << schedule.name << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "cron" << YAML::Value << YAML::DoubleQuoted << schedule.cron.text;
  out << YAML::Key << "job_type" << YAML::Value << schedule.job_type;
  out << YAML::Key << "queue" << YAML::Value << schedule.queue;
  out << YAML::Key << "payload" << YAML::Value;
  emit_json(out, nlohmann::json::parse(schedule.payload_json));
  out << YAML::Key << "priority" << YAML::Value << schedule.priority;
  if (schedule.max_attempts) out << YAML::Key << "max_attempts" << YAML::Value << *schedule.max_attempts;
  out << YAML::Key << "timezone" << YAML::Value << (schedule.zone == CronZone::utc ? "utc" : "local");
  out << YAML::Key << "catch_up" << YAML::Value << (schedule.catch_up ? "one" : "none");
  out << YAML::Key << "overlap" << YAML::Value << (schedule.overlap ? "true" : "false");
  out << YAML::EndMap;
}

}  // namespace

std::string to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "database" << YAML::Value << YAML::BeginMap << YAML::Key << "url"
      << YAML::Value << redact_database_url(config.database_url) << YAML::Key << "pooler" << YAML::Value
      << std::string(to_string(config.database_pooler));
  if (config.session_url) {
    out << YAML::Key << "session_url" << YAML::Value << redact_database_url(*config.session_url);
  }
  out << YAML::EndMap;
  if (!config.runner.empty()) out << YAML::Key << "runner" << YAML::Value << config.runner;
  const std::pair<const char*, Duration> durations[] = {
      {"poll_interval", config.poll_interval},
      {"shutdown_timeout", config.shutdown_timeout},
      {"sigterm_grace", config.sigterm_grace},
      {"stuck_job_timeout", config.stuck_job_timeout},
      {"stuck_check_interval", config.stuck_check_interval},
      {"heartbeat_interval", config.heartbeat_interval},
      {"default_timeout", config.default_timeout}};
  for (const auto& [key, value] : durations) {
    out << YAML::Key << key << YAML::Value << format_duration(value);
  }
  out << YAML::Key << "default_max_workers" << YAML::Value << config.default_max_workers;
  out << YAML::Key << "default_max_attempts" << YAML::Value << config.default_max_attempts;
  out << YAML::Key << "job_nice" << YAML::Value << config.job_nice;
  out << YAML::Key << "backoff" << YAML::Value;
  emit_durations(out, config.backoff);
  out << YAML::Key << "show" << YAML::Value << (config.show == ShowMode::tui ? "tui" : "lines");
  out << YAML::Key << "log_level" << YAML::Value << config.log.level;
  out << YAML::Key << "log_format" << YAML::Value << (config.log.format == LogFormat::json ? "json" : "text");
  if (config.log.file) out << YAML::Key << "log_file" << YAML::Value << *config.log.file;
  if (config.http_listen) {
    out << YAML::Key << "http" << YAML::Value << YAML::BeginMap << YAML::Key << "listen" << YAML::Value
        << *config.http_listen << YAML::EndMap;
  }
  emit_web(out, config.web);
  out << YAML::Key << "cgroups" << YAML::Value << YAML::BeginMap << YAML::Key << "mode" << YAML::Value
      << (config.cgroups.mode == CgroupMode::automatic ? "auto"
          : config.cgroups.mode == CgroupMode::off     ? "off"
                                                       : "required");
  if (config.cgroups.root) out << YAML::Key << "root" << YAML::Value << *config.cgroups.root;
  out << YAML::EndMap;
  out << YAML::Key << "queues" << YAML::Value << YAML::BeginMap;
  for (const QueueConfig& queue : config.queues) emit_queue(out, queue);
  out << YAML::EndMap;
  if (!config.handlers.empty()) {
    out << YAML::Key << "handlers" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, handler] : config.handlers) emit_handler(out, handler);
    out << YAML::EndMap;
  }
  if (!config.retention.empty()) {
    out << YAML::Key << "retention" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [status, age] : config.retention) {
      out << YAML::Key << std::string(to_string(status)) << YAML::Value << format_duration(age);
    }
    out << YAML::EndMap;
  }
  if (!config.schedules.empty()) {
    out << YAML::Key << "schedules" << YAML::Value << YAML::BeginMap;
    for (const ScheduleConfig& schedule : config.schedules) emit_schedule(out, schedule);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace spawnq
