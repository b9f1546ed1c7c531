// What JobSearch finds, as the JSON that `spawnq jobs --json`, `spawnq
// workers --json` and the web console's API all print (docs/SPEC.md §1.1,
// §1.3), so the two faces cannot drift apart. Pure.
#pragma once

#include <chrono>
#include <string_view>

#include <nlohmann/json.hpp>

#include "job_search.hpp"

namespace spawnq {

// A daemon serves, drains (claims nothing more), or has been silent longer
// than stuck_job_timeout, so that the others declare it dead and rescue its jobs.
enum class WorkerState { serving, draining, declared_dead };

WorkerState worker_state(const WorkerLine& worker, std::chrono::milliseconds stuck_job_timeout);
std::string_view to_string(WorkerState state);

// {"fair_by": "group", "group_max_workers": N}, each only when set: the shape
// of spawnq.workers.queue_shares (migration 014) and of the console's API.
nlohmann::json to_json(const QueueShares& shares);
QueueShares queue_shares_from_json(const nlohmann::json& shares);
nlohmann::json to_json(const std::map<std::string, QueueShares>& shares);  // by queue

nlohmann::json to_json(const JobLine& job);
nlohmann::json to_json(const JobPage& page);  // {"jobs": […], "next_before_id": …}
nlohmann::json to_json(const WorkerLine& worker, std::chrono::milliseconds stuck_job_timeout);

}  // namespace spawnq
