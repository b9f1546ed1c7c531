// What a daemon publishes about itself when it registers: its queues'
// max_workers and shares for the console, its handlers' defaults for
// producers (migration 014: the priority enqueue() gives a job without one,
// and the rest for comparison); and where two configs disagree about the
// handlers. Pure.
#pragma once

#include <string>
#include <vector>

#include "common/worker_registry.hpp"
#include "config/config.hpp"

namespace spawnq {

// All of it, for this daemon's `queues`.
WorkerAnnouncement announcement_of(const Config& config, const std::vector<std::string>& queues);

// One row per handler, in job type order.
std::vector<TypeDefault> type_defaults_of(const Config& config);

// One line per job type and setting on which `mine` (this config) and the
// registered daemons' `published` defaults do not all agree, naming each
// side, e.g. "handler send_email: priority: this config 7, worker 12 on
// web-1 3". Types only some daemons serve are no disagreement.
std::vector<std::string> defaults_disagreements(const std::vector<TypeDefault>& mine,
                                                const std::vector<PublishedDefault>& published);

}  // namespace spawnq
