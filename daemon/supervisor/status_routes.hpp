// The daemon's read-only HTTP routes (docs/SPEC.md §8): GET /metrics in
// the Prometheus text format, /healthz (200, or 503 once the database has
// been silent too long) and /status (the snapshot as JSON). Each route reads
// the daemon through the functions given; none changes anything.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "daemon/observe/daemon_snapshot.hpp"
#include "daemon/observe/http_server.hpp"

namespace spawnq {

struct StatusSources {
  std::function<DaemonSnapshot()> snapshot;
  std::function<std::string()> metrics;  // the /metrics body, with fresh gauges
  double allowed_silence_s = 5;          // of the database, before /healthz turns 503
};

std::map<std::string, HttpRoute> status_routes(StatusSources sources);

}  // namespace spawnq
