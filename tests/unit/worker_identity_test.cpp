#include "daemon/maintenance/worker_identity.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

namespace {
const WorkerIdentity me{"host", 100, "boot-1", "pid:[1]"};
auto running_pids(std::vector<int> pids) {
  return [pids](int pid) { return std::find(pids.begin(), pids.end(), pid) != pids.end(); };
}
}  // namespace

TEST_CASE("a predecessor on the same boot and pid namespace is gone when its pid is not running") {
  CHECK(provably_gone(WorkerRow{1, 50, "boot-1", "pid:[1]"}, me, running_pids({})));
  CHECK_FALSE(provably_gone(WorkerRow{1, 50, "boot-1", "pid:[1]"}, me, running_pids({50})));
}

TEST_CASE("a predecessor with our own pid is gone: we replaced it (a container's pid 1)") {
  CHECK(provably_gone(WorkerRow{1, 100, "boot-1", "pid:[1]"}, me, running_pids({100})));
}

TEST_CASE("a predecessor from an earlier boot is gone") {
  CHECK(provably_gone(WorkerRow{1, 50, "boot-0", "pid:[1]"}, me, running_pids({50})));
}

TEST_CASE("anything less certain is left to the heartbeat timeout") {
  CHECK_FALSE(provably_gone(WorkerRow{1, 50, "boot-1", "pid:[2]"}, me, running_pids({})));
  CHECK_FALSE(provably_gone(WorkerRow{1, 50, "", ""}, me, running_pids({})));
  CHECK_FALSE(provably_gone(WorkerRow{1, 50, "boot-1", ""}, me, running_pids({})));
}
