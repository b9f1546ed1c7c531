// Per-job cgroups without a cgroup hierarchy: finding the v2 mount and our own
// cgroup in /proc text, reading what a job's cgroup recorded, the words its
// error gets, and the `cgroups:` config key.
#include <catch2/catch.hpp>

#include "common/outcome.hpp"
#include "config/config_loader.hpp"
#include "daemon/cgroups/cgroup_location.hpp"
#include "daemon/cgroups/job_cgroup_events.hpp"

using namespace spawnq;

TEST_CASE("cgroups: the v2 mount is found on unified and hybrid hosts, with mountinfo escapes undone") {
  const std::string unified =
      "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
      "35 22 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";
  CHECK(cgroup2_mount(unified) == "/sys/fs/cgroup");
  const std::string hybrid =
      "30 25 0:26 / /sys/fs/cgroup ro,nosuid shared:8 - tmpfs tmpfs ro,mode=755\n"
      "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev shared:9 - cgroup2 cgroup2 rw\n"
      "33 30 0:29 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory\n";
  CHECK(cgroup2_mount(hybrid) == "/sys/fs/cgroup/unified");
  CHECK(cgroup2_mount("40 30 0:31 / /srv/my\\040cgroups rw - cgroup2 none rw\n") == "/srv/my cgroups");
  CHECK_FALSE(cgroup2_mount("33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n").has_value());
}

TEST_CASE("cgroups: our own v2 cgroup is the 0:: line of /proc/self/cgroup") {
  CHECK(own_cgroup2_path("0::/system.slice/spawnq.service\n") == "/system.slice/spawnq.service");
  CHECK(own_cgroup2_path("9:name=systemd:/\n4:memory:/x\n0::/\n") == "/");
  CHECK_FALSE(own_cgroup2_path("4:memory:/x\n1:cpu:/\n").has_value());
}

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

TEST_CASE("cgroups: the config key takes a mode and an absolute root") {
  const auto parse = [](const std::string& yaml) { return parse_config(yaml, "c.yaml", "/srv"); };
  CHECK(parse("").cgroups.mode == CgroupMode::automatic);
  CHECK_FALSE(parse("").cgroups.root.has_value());
  const Config c = parse("cgroups: { mode: required, root: /sys/fs/cgroup/spawnq }\n");
  CHECK(c.cgroups.mode == CgroupMode::required);
  CHECK(c.cgroups.root == "/sys/fs/cgroup/spawnq");
  CHECK(parse("cgroups: { mode: off }\n").cgroups.mode == CgroupMode::off);
  CHECK_THROWS_WITH(parse("\ncgroups: { mode: sometimes }\n"),
                    "c.yaml:2: cgroups.mode: must be auto, off or required, got 'sometimes'");
  CHECK_THROWS_WITH(parse("cgroups: { root: spawnq }\n"),
                    "c.yaml:1: cgroups.root: must be an absolute path, got 'spawnq'");
}
