#include "common/job_bulk.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

TEST_CASE("bulk actions read and print as the CLI and the JSON API name them") {
  for (BulkAction action : {BulkAction::retry, BulkAction::cancel, BulkAction::remove}) {
    CHECK(parse_bulk_action(to_string(action)) == action);
  }
  CHECK(to_string(BulkAction::remove) == "delete");
  CHECK_FALSE(parse_bulk_action("Delete"));
  CHECK_FALSE(parse_bulk_action(""));
}

TEST_CASE("a bulk tally counts each job once: changed, being stopped, or left as it was") {
  std::vector<JobActionResult> jobs(4);
  jobs[0].changed = true;
  jobs[1].stopping = true;
  jobs[2].reference_holder = 7;
  CHECK(tally(jobs).changed == 1);
  CHECK(tally(jobs).stopping == 1);
  CHECK(tally(jobs).left == 2);
  CHECK(tally({}).changed == 0);
}
