// A snapshot of the daemon for the people watching it: what /status returns,
// what /healthz decides on, and what the dashboard draws. Taken on the event
// loop; the functions below are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "http_server.hpp"

namespace spawnq {

// A running job as /status and the dashboard show it.
struct RunningJob {
  JobId id = 0;
  std::string job_type;
  int attempt = 0;
  int pid = 0;
  double elapsed_s = 0;
  std::optional<double> progress;
};

struct QueueSnapshot {
  std::string name;
  int max_workers = 0;
  bool paused = false;
  std::vector<RunningJob> running;
  std::map<JobStatus, std::int64_t> depth;  // from the last count in the database
  std::optional<double> claims_failing_s;   // since the first of the claims failing in a row
  std::string claim_error;                  // the last of them
};

struct DaemonSnapshot {
  std::string version;
  std::optional<WorkerId> worker;
  std::string host;
  int pid = 0;
  bool draining = false;
  double seconds_since_database = 0;  // since the last successful database operation
  std::vector<QueueSnapshot> queues;
};

std::string status_json(const DaemonSnapshot& snapshot);

// 200 while the database answered within `allowed_silence` seconds and no
// queue's claims have been failing for longer, else 503 saying which.
HttpReply health_reply(const DaemonSnapshot& snapshot, double allowed_silence);

}  // namespace spawnq
