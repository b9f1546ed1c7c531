// Each schedule of the config beside what the database says of it (its
// newest tick, that tick's job and status) and its next run: what `spawnq
// schedules` and the console's Schedules page show, and their JSON. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/schedule_store.hpp"
#include "config.hpp"

namespace spawnq {

struct ScheduleView {
  const ScheduleConfig* schedule = nullptr;  // into the Config given
  std::optional<ScheduleState> state;        // nullopt: never ticked
  std::optional<std::chrono::sys_seconds> next;
};

std::vector<ScheduleView> schedule_views(const Config& config, const std::vector<ScheduleState>& states,
                                         std::chrono::sys_seconds now);

nlohmann::json to_json(const std::vector<ScheduleView>& schedules);  // {"schedules": […]}

}  // namespace spawnq
