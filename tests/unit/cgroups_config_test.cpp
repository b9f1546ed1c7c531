// The `cgroups:` config key (config/config_loader).
#include <catch2/catch.hpp>

#include "config/config_loader.hpp"

using namespace spawnq;

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
