// daemon/cgroups/cgroup_location: the v2 mount and our own cgroup, from /proc text.
#include <catch2/catch.hpp>

#include "daemon/cgroups/cgroup_location.hpp"

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
