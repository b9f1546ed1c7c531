#include "common/job.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

TEST_CASE("every status survives a round trip through its name") {
  for (JobStatus status : kAllStatuses) CHECK(parse_job_status(to_string(status)) == status);
  CHECK_FALSE(parse_job_status("running").has_value());
  CHECK_FALSE(parse_job_status("").has_value());
}

TEST_CASE("only done, failed, dead and cancelled are terminal") {
  CHECK(is_terminal(JobStatus::done));
  CHECK(is_terminal(JobStatus::failed));
  CHECK(is_terminal(JobStatus::dead));
  CHECK(is_terminal(JobStatus::cancelled));
  CHECK_FALSE(is_terminal(JobStatus::pending));
  CHECK_FALSE(is_terminal(JobStatus::processing));
  CHECK_FALSE(is_terminal(JobStatus::retry_wait));
}

TEST_CASE("queue names fit a NOTIFY channel") {
  CHECK(valid_queue_name("default"));
  CHECK(valid_queue_name("emails.high-prio_2"));
  CHECK(valid_queue_name(std::string(56, 'q')));
  CHECK_FALSE(valid_queue_name(std::string(57, 'q')));
  CHECK_FALSE(valid_queue_name(""));
  CHECK_FALSE(valid_queue_name("has space"));
  CHECK_FALSE(valid_queue_name("quote\""));
  CHECK_FALSE(valid_queue_name("émails"));
}
