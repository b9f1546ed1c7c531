// OutcomeWriter turns the outcomes of jobs that finish close together into one
// statement and one commit: while a write is in flight, new outcomes wait, and
// all of them go in the next write the moment it returns. An idle daemon
// writes a lone outcome at once, so batching adds at most one round trip of
// delay and never a timer's. Outcomes are kept across database outages
// (OnOutage::keep), like any outcome. Loop thread only.
#pragma once

#include <functional>
#include <vector>

#include "common/job.hpp"
#include "daemon/database/db_executor.hpp"

namespace spawnq {

class OutcomeWriter {
 public:
  // `written(true, …)` once stored, `written(false, …)` when the fence did
  // not hold: the job moved on meanwhile — or, with `in_doubt`, an earlier
  // try whose COMMIT was lost with the connection did write it. `failed`
  // when the statement itself failed.
  struct Done {
    std::function<void(bool applied, bool in_doubt)> written;
    std::function<void(const std::string& error)> failed;
  };

  explicit OutcomeWriter(DbExecutor& db) : db_(db) {}

  void write(AttemptRecord record, Done done);
  std::size_t unwritten() const { return waiting_.size() + in_flight_; }

 private:
  void flush();

  DbExecutor& db_;
  std::vector<std::pair<AttemptRecord, Done>> waiting_;
  std::size_t in_flight_ = 0;
  int retries_ = 0;  // of the batch in flight, after a transient error
};

}  // namespace spawnq
