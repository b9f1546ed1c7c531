// spawnq schedules: each schedule of the config with its last run (the newest
// tick taken, the job it enqueued and that job's status) and its next run.
#include <cstdio>
#include <iostream>

#include "commands.hpp"

namespace spawnq {
namespace {

struct Row {
  const ScheduleConfig* schedule;
  std::optional<ScheduleState> state;
  std::optional<std::chrono::sys_seconds> next;
};

std::string last_run_text(const std::optional<ScheduleState>& state) {
  if (!state) return "never";
  std::string text = format_tick(state->last_tick);
  if (state->last_job) {
    text += " job " + std::to_string(*state->last_job);
    text += " (" + std::string(state->last_status ? to_string(*state->last_status) : "deleted") + ")";
  } else {
    text += " (skipped)";
  }
  return text;
}

void print_table(const std::vector<Row>& rows) {
  std::printf("%-20s %-18s %-12s %-14s %-42s %s\n", "SCHEDULE", "CRON", "QUEUE", "JOB_TYPE", "LAST RUN", "NEXT RUN");
  for (const Row& row : rows) {
    const ScheduleConfig& s = *row.schedule;
    std::printf("%-20s %-18s %-12s %-14s %-42s %s%s\n", s.name.c_str(), s.cron.text.c_str(), s.queue.c_str(),
                s.job_type.c_str(), last_run_text(row.state).c_str(),
                row.next ? format_tick(*row.next).c_str() : "never",
                s.zone == CronZone::local ? " (local time)" : "");
  }
}

void print_json(const std::vector<Row>& rows) {
  nlohmann::json all = nlohmann::json::array();
  for (const Row& row : rows) {
    const ScheduleConfig& s = *row.schedule;
    nlohmann::json last = nullptr;
    if (row.state) {
      last = {{"tick", format_tick(row.state->last_tick)},
              {"job_id", row.state->last_job ? nlohmann::json(*row.state->last_job) : nlohmann::json(nullptr)},
              {"status", row.state->last_status ? nlohmann::json(to_string(*row.state->last_status))
                                                : nlohmann::json(nullptr)}};
    }
    all.push_back({{"name", s.name},
                   {"cron", s.cron.text},
                   {"timezone", s.zone == CronZone::utc ? "utc" : "local"},
                   {"queue", s.queue},
                   {"job_type", s.job_type},
                   {"last_run", last},
                   {"next_run", row.next ? nlohmann::json(format_tick(*row.next)) : nlohmann::json(nullptr)}});
  }
  std::cout << nlohmann::json{{"schedules", all}}.dump(2) << "\n";
}

}  // namespace

Command add_schedules_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("schedules", "List the config's cron schedules with their last and next run");
  auto json = std::make_shared<bool>(false);
  sub->add_flag("--json", *json, "One JSON document instead of a table");
  return {sub, [&ctx, json] {
            const Config& config = ctx.config();
            std::vector<std::string> names;
            for (const ScheduleConfig& s : config.schedules) names.push_back(s.name);
            const std::vector<ScheduleState> states = ctx.store().schedules().schedule_states(names);
            const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            std::vector<Row> rows;
            for (const ScheduleConfig& s : config.schedules) {
              Row row{&s, std::nullopt, next_tick(s.cron, now, s.zone)};
              for (const ScheduleState& state : states) {
                if (state.name == s.name) row.state = state;
              }
              rows.push_back(std::move(row));
            }
            if (*json) print_json(rows);
            else if (rows.empty()) std::cout << "no schedules in " << config.source << "\n";
            else print_table(rows);
          }};
}

}  // namespace spawnq
