// daemon/cgroups/job_cgroup_events: what a job's cgroup recorded, and the words
// its error gets.
#include <catch2/catch.hpp>

#include "common/outcome.hpp"
#include "daemon/cgroups/job_cgroup_events.hpp"

using namespace spawnq;

TEST_CASE("cgroups: a job's limit hits come from memory.events and pids.events, and name the limit") {
  CHECK(keyed_count("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n", "oom_kill") == 1);
  CHECK(keyed_count("max 3\n", "max") == 3);
  CHECK(keyed_count("low 0\noom_kill_x 4\n", "oom_kill") == 0);
  CHECK(keyed_count("", "max") == 0);

  JobLimits limits;
  limits.memory_bytes = 64ull << 20;
  limits.processes = 32;
  CHECK_FALSE(describe_limit_hit(JobCgroupEvents{}, limits).has_value());
  CHECK(describe_limit_hit(JobCgroupEvents{1, 0}, limits) ==
        "the job's memory limit (64M) was reached: 1 process killed by the out-of-memory killer");
  CHECK(describe_limit_hit(JobCgroupEvents{2, 5}, limits) ==
        "the job's memory limit (64M) was reached: 2 processes killed by the out-of-memory killer; "
        "the job's processes limit (32) was reached: 5 forks refused");
  CHECK(describe_limit_hit(JobCgroupEvents{0, 1}, JobLimits{}) ==
        "the job's processes limit was reached: 1 fork refused");
}

TEST_CASE("cgroups: the limit a failed attempt hit is in its error, before the attempts note") {
  AttemptFacts facts;
  facts.exit = ExitStatus{true, 9};
  facts.attempt = 3;
  facts.max_attempts = 3;
  facts.limit_hit = "the job's memory limit (64M) was reached: 1 process killed by the out-of-memory killer";
  const Decision dead = decide_outcome(facts, {});
  CHECK(dead.next == JobStatus::dead);
  CHECK(dead.error == "killed by signal 9 (SIGKILL) (the job's memory limit (64M) was reached: 1 process "
                      "killed by the out-of-memory killer) (attempt 3 of 3, no attempts left)");
  facts.exit = ExitStatus{false, 0};
  CHECK_FALSE(decide_outcome(facts, {}).error.has_value());  // it succeeded all the same
}
