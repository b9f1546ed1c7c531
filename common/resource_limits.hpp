// The setrlimit calls a job's limits come to (docs/SPEC.md §2.1), as one list:
// job-runner applies it to itself before a C++ handler runs, and the daemon's
// child applies it before it execs a command handler, so both agree.
#pragma once

#include <sys/resource.h>

#include <vector>

#include "common/envelope.hpp"

namespace spawnq {

struct ResourceLimit {
  int resource = 0;
  const char* name = "";  // "RLIMIT_AS", for the error that names it
  rlim_t soft = 0;
  rlim_t hard = 0;
};

// Core dumps first (off unless `core_bytes` is set), then each limit that is set.
std::vector<ResourceLimit> resource_limits(const JobLimits& limits);

}  // namespace spawnq
