// spawnq show ID: one job with its attempts history.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "config/job_policy.hpp"

namespace spawnq {
namespace {

struct ShowFlags {
  JobId id = 0;
  bool json = false;
};

std::string text_of(const nlohmann::ordered_json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

void print_text(const JobDetails& details) {
  for (const auto& [key, value] : details.job.items()) {
    std::cout << key << ":" << std::string(key.size() < 14 ? 14 - key.size() : 1, ' ')
              << text_of(value) << "\n";
  }
  std::cout << "\nattempts:\n";
  if (details.attempts.empty()) std::cout << "  (none yet)\n";
  for (const nlohmann::ordered_json& attempt : details.attempts) {
    std::cout << "  #" << text_of(attempt["attempt"]) << "  worker=" << text_of(attempt["worker_id"])
              << " pid=" << text_of(attempt["pid"]) << " started=" << text_of(attempt["started_at"])
              << " finished=" << text_of(attempt["finished_at"])
              << " outcome=" << text_of(attempt["outcome"])
              << " exit_code=" << text_of(attempt["exit_code"])
              << " signal=" << text_of(attempt["signal"]) << "\n";
    if (!attempt["error"].is_null()) std::cout << "    error: " << text_of(attempt["error"]) << "\n";
    const std::string tail = text_of(attempt["output_tail"]);
    if (!tail.empty() && tail != "-") std::cout << "    output:\n" << tail << "\n";
  }
}

// Which level gave the job each setting (config/job_policy): the database's
// record for priority (set at enqueue, migration 014) and for max_attempts
// once claimed, the config in use for the rest.
nlohmann::ordered_json policy_of(const nlohmann::ordered_json& job, const Config& config) {
  const std::string job_type = job.value("job_type", "");
  const QueueConfig queue = config.settings_for(job.value("queue", "default"));
  nlohmann::ordered_json max_attempts;
  if (job["max_attempts_from"].is_string()) {
    max_attempts = {{"value", job["max_attempts"]}, {"from", job["max_attempts_from"]}};
  } else if (job["max_attempts"].is_number()) {
    max_attempts = {{"value", job["max_attempts"]}, {"from", "job"}};
  } else {
    const auto resolved = max_attempts_for(config, queue, job_type);
    max_attempts = {{"value", resolved.value}, {"from", to_string(resolved.level)}};
  }
  const auto timeout = timeout_for(config, queue, job_type);
  const auto backoff = backoff_for(config, queue, job_type);
  nlohmann::ordered_json delays = nlohmann::ordered_json::array();
  for (const Duration d : backoff.value) delays.push_back(format_duration(d));
  return {{"priority", {{"value", job["priority"]}, {"from", job.value("priority_from", "job")}}},
          {"max_attempts", max_attempts},
          {"timeout", {{"value", format_duration(timeout.value)}, {"from", to_string(timeout.level)}}},
          {"backoff", {{"value", delays}, {"from", to_string(backoff.level)}}}};
}

void print_policy(const nlohmann::ordered_json& policy) {
  std::cout << "\npolicy (from job, handler, queue or default):\n";
  for (const auto& [key, setting] : policy.items()) {
    std::cout << "  " << key << ": " << text_of(setting["value"]) << " (" << text_of(setting["from"]) << ")\n";
  }
}

}  // namespace

Command add_show_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<ShowFlags>(app, "show",
      "One job with its attempts history");
  sub->add_option("ID", flags->id, "Job id")->required();
  sub->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags] {
            const auto details = ctx.store().admin().show(flags->id);
            if (!details) throw RuntimeFailure("job " + std::to_string(flags->id) + " not found");
            const auto policy = policy_of(details->job, ctx.config());
            if (flags->json) {
              nlohmann::ordered_json document = details->job;
              document["policy"] = policy;
              document["attempt_history"] = details->attempts;
              std::cout << document.dump(2) << "\n";
            } else {
              print_text(*details);
              print_policy(policy);
            }
          }};
}

}  // namespace spawnq
