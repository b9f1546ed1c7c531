#include "daemon/commands/status_list.hpp"

#include <catch2/catch.hpp>

#include "common/errors.hpp"

using namespace spawnq;
using Catch::Matchers::Equals;

TEST_CASE("a status list names only statuses the command accepts") {
  const std::vector<JobStatus> terminal = {JobStatus::done, JobStatus::failed};
  CHECK(parse_status_list("done", terminal) == std::vector<JobStatus>{JobStatus::done});
  CHECK(parse_status_list("failed,done,failed", terminal) ==
        std::vector<JobStatus>{JobStatus::failed, JobStatus::done});
  CHECK_THROWS_WITH(parse_status_list("pending", terminal),
                    Equals("--status: 'pending' is not one of done, failed"));
  CHECK_THROWS_WITH(parse_status_list("donee", terminal),
                    Equals("--status: 'donee' is not one of done, failed"));
  CHECK_THROWS_AS(parse_status_list("", terminal), UsageError);
}
