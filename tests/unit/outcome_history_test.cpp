#include "daemon/observe/outcome_history.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

TEST_CASE("outcome history counts the last minute and the last hour") {
  OutcomeHistory history;
  history.record(1000, JobStatus::done);
  history.record(1000, JobStatus::done);
  history.record(1030, JobStatus::failed);
  history.record(1059, JobStatus::dead);
  history.record(1059, JobStatus::retry_wait);
  const auto minute = history.last(1059, 60);
  CHECK(minute.done == 2);
  CHECK(minute.failed == 1);
  CHECK(minute.dead == 1);
  CHECK(minute.retried == 1);
  CHECK(history.last(1060, 60).done == 0);  // second 1000 has left the minute
  CHECK(history.last(1060, 3600).total() == 5);
  CHECK(history.last(1000 + 3600, 3600).total() == 3);
}

TEST_CASE("old buckets are reused, not added to") {
  OutcomeHistory history;
  history.record(5, JobStatus::done);
  history.record(5 + 3600, JobStatus::failed);  // same slot, an hour later
  const auto hour = history.last(5 + 3600, 3600);
  CHECK(hour.done == 0);
  CHECK(hour.failed == 1);
}
