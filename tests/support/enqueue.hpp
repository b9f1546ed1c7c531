// The one-line enqueue the tests use to arrange jobs.
#pragma once

#include <string>

#include "common/job_store.hpp"

namespace spawnq::test {

inline JobId enqueue(JobStore& store, const std::string& job_type, const std::string& payload = "{}",
                     const std::string& queue = "default") {
  EnqueueRequest request;
  request.job_type = job_type;
  request.payload_json = payload;
  request.queue = queue;
  return store.jobs().enqueue(request);
}

}  // namespace spawnq::test
