// spawnq schedules: each schedule of the config with its last run (the newest
// tick taken, the job it enqueued and that job's status) and its next run.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "config/schedule_view.hpp"

namespace spawnq {
namespace {

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

void print_table(const std::vector<ScheduleView>& rows) {
  std::printf("%-20s %-18s %-12s %-14s %-42s %s\n", "SCHEDULE", "CRON", "QUEUE", "JOB_TYPE", "LAST RUN", "NEXT RUN");
  for (const ScheduleView& row : rows) {
    const ScheduleConfig& s = *row.schedule;
    std::printf("%-20s %-18s %-12s %-14s %-42s %s%s\n", s.name.c_str(), s.cron.text.c_str(), s.queue.c_str(),
                s.job_type.c_str(), last_run_text(row.state).c_str(),
                row.next ? format_tick(*row.next).c_str() : "never",
                s.zone == CronZone::local ? " (local time)" : "");
  }
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
            const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            const std::vector<ScheduleView> rows =
                schedule_views(config, ctx.store().schedules().schedule_states(names), now);
            if (*json) std::cout << to_json(rows).dump(2) << "\n";
            else if (rows.empty()) std::cout << "no schedules in " << config.source << "\n";
            else print_table(rows);
          }};
}

}  // namespace spawnq
