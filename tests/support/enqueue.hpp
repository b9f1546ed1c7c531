// How the tests arrange jobs: a one-line enqueue, and JobDatabase, the
// fixture of a test that arranges jobs in its own database
// (TEST_CASE_METHOD(JobDatabase, ...) gives the test `db` and `store`).
#pragma once

#include <memory>
#include <string>

#include "common/job_store.hpp"
#include "support/test_database.hpp"

namespace spawnq::test {

struct JobDatabase {
  TestDatabase db;
  std::unique_ptr<pqxx::connection> conn = db.connect();
  JobStore store{*conn};
};

inline JobId enqueue(JobStore& store, const std::string& job_type, const std::string& payload = "{}",
                     const std::string& queue = "default") {
  EnqueueRequest request;
  request.job_type = job_type;
  request.payload_json = payload;
  request.queue = queue;
  return store.jobs().enqueue(request);
}

}  // namespace spawnq::test
