#include "daemon/commands/flag_values.hpp"

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

TEST_CASE("a duration flag names itself when it cannot be read") {
  CHECK(parse_duration_flag("--wait", "5m") == Duration(300'000));
  CHECK(parse_duration_flag("--wait", "0") == Duration(0));
  CHECK_THROWS_WITH(parse_duration_flag("--wait", "soon"),
                    Equals("--wait: must be a non-negative duration such as 30, 30s, 5m or 2h, got 'soon'"));
  CHECK_THROWS_WITH(parse_duration_flag("--timeout", "0", DurationBound::positive),
                    Equals("--timeout: must be a positive duration such as 30, 30s, 5m or 2h, got '0'"));
  CHECK(parse_duration_flag("--timeout", "1", DurationBound::positive) == Duration(1'000));
}

TEST_CASE("a lower bound and a count read the same in every command") {
  CHECK_NOTHROW(require_at_least("--limit", 1, 1));
  CHECK_THROWS_WITH(require_at_least("--limit", 0, 1), Equals("--limit: must be ≥ 1, got 0"));
  CHECK_THROWS_AS(require_at_least("--limit", -3, 1), UsageError);
  CHECK(counted(0, "job") == "0 jobs");
  CHECK(counted(1, "stuck job") == "1 stuck job");
  CHECK(counted(2, "job") == "2 jobs");
}

TEST_CASE("job ids as arguments: each at least 1, each once, in the order first given") {
  using spawnq::distinct_job_ids;
  CHECK(distinct_job_ids({12, 7, 12, 9, 7}) == std::vector<spawnq::JobId>{12, 7, 9});
  CHECK_THROWS_WITH(distinct_job_ids({3, 0}), "ID: must be ≥ 1, got 0");
}
