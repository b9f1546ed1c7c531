#include "schedule_view.hpp"

#include "common/sql_values.hpp"

namespace spawnq {

std::vector<ScheduleView> schedule_views(const Config& config, const std::vector<ScheduleState>& states,
                                         std::chrono::sys_seconds now) {
  std::vector<ScheduleView> views;
  for (const ScheduleConfig& s : config.schedules) {
    ScheduleView view{&s, std::nullopt, next_tick(s.cron, now, s.zone)};
    for (const ScheduleState& state : states) {
      if (state.name == s.name) view.state = state;
    }
    views.push_back(std::move(view));
  }
  return views;
}

nlohmann::json to_json(const std::vector<ScheduleView>& schedules) {
  nlohmann::json list = nlohmann::json::array();
  for (const ScheduleView& view : schedules) {
    const ScheduleConfig& s = *view.schedule;
    nlohmann::json last = nullptr;
    if (view.state) {
      last = {{"tick", format_tick(view.state->last_tick)},
              {"job_id", json_or_null(view.state->last_job)},
              {"status", view.state->last_status ? nlohmann::json(to_string(*view.state->last_status))
                                                 : nlohmann::json(nullptr)}};
    }
    list.push_back({{"name", s.name},
                    {"cron", s.cron.text},
                    {"timezone", s.zone == CronZone::utc ? "utc" : "local"},
                    {"queue", s.queue},
                    {"job_type", s.job_type},
                    {"last_run", last},
                    {"next_run", view.next ? nlohmann::json(format_tick(*view.next)) : nlohmann::json(nullptr)}});
  }
  return {{"schedules", list}};
}

}  // namespace spawnq
