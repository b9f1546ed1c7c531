// spawnq stats: job counts by queue and status, and how long the oldest
// runnable job has waited. Configured queues are listed even when empty.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

struct StatsFlags {
  std::optional<std::string> queue;
  bool json = false;
};

// Configured queues first, in config order, then any other queue with jobs.
std::vector<QueueStats> merge_with_config(std::vector<QueueStats> found, const Config& config,
                                          const std::optional<std::string>& only) {
  std::vector<QueueStats> merged;
  for (const QueueConfig& queue : config.queues) {
    if (only && *only != queue.name) continue;
    merged.push_back(QueueStats{queue.name, {}, {}});
  }
  for (QueueStats& stats : found) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const QueueStats& s) { return s.queue == stats.queue; });
    if (it != merged.end()) *it = std::move(stats);
    else merged.push_back(std::move(stats));
  }
  return merged;
}

std::int64_t count_of(const QueueStats& stats, JobStatus status) {
  const auto it = stats.counts.find(status);
  return it == stats.counts.end() ? 0 : it->second;
}

bool is_paused(const std::vector<std::string>& paused, const std::string& queue) {
  return std::find(paused.begin(), paused.end(), queue) != paused.end();
}

void print_json(const std::vector<QueueStats>& all, const std::vector<std::string>& paused) {
  nlohmann::json queues = nlohmann::json::array();
  for (const QueueStats& stats : all) {
    nlohmann::json counts = nlohmann::json::object();
    for (JobStatus status : kAllStatuses) counts[std::string(to_string(status))] = count_of(stats, status);
    nlohmann::json age = nullptr;
    if (stats.oldest_pending_age_s) age = *stats.oldest_pending_age_s;
    queues.push_back({{"queue", stats.queue},
                      {"paused", is_paused(paused, stats.queue)},
                      {"counts", counts},
                      {"oldest_pending_age_s", age}});
  }
  std::cout << nlohmann::json{{"queues", queues}}.dump(2) << "\n";
}

void print_table(const std::vector<QueueStats>& all, const std::vector<std::string>& paused) {
  std::printf("%-20s", "QUEUE");
  for (JobStatus status : kAllStatuses) std::printf(" %10s", std::string(to_string(status)).c_str());
  std::printf(" %14s\n", "oldest_pending");
  for (const QueueStats& stats : all) {
    std::printf("%-20s", stats.queue.c_str());
    for (JobStatus status : kAllStatuses) {
      std::printf(" %10lld", static_cast<long long>(count_of(stats, status)));
    }
    if (stats.oldest_pending_age_s) std::printf(" %13.1fs", *stats.oldest_pending_age_s);
    else std::printf(" %14s", "-");
    std::printf("%s\n", is_paused(paused, stats.queue) ? "  paused" : "");
  }
}

}  // namespace

Command add_stats_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<StatsFlags>(app, "stats",
      "Job counts by queue and status");
  add_queue_filter(*sub, flags->queue);
  sub->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags] {
            const auto all = merge_with_config(ctx.store().admin().stats(flags->queue), ctx.config(),
                                               flags->queue);
            const std::vector<std::string> paused = ctx.store().admin().paused_queues();
            if (flags->json) print_json(all, paused);
            else print_table(all, paused);
            std::cout.flush();
          }};
}

}  // namespace spawnq
