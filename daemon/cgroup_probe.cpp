#include "cgroup_probe.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include <fstream>

namespace spawnq {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC

}  // namespace

CgroupSupport probe_cgroups() {
  CgroupSupport support;
  struct statfs fs {};
  if (::statfs("/sys/fs/cgroup", &fs) != 0 || fs.f_type != kCgroup2Magic) {
    support.why = "/sys/fs/cgroup is not a cgroup v2 hierarchy";
    return support;
  }
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  while (std::getline(self, line)) {
    if (line.rfind("0::", 0) == 0) support.where = "/sys/fs/cgroup" + line.substr(3);
  }
  if (support.where.empty()) {
    support.why = "no cgroup v2 entry in /proc/self/cgroup";
  } else if (::access(support.where.c_str(), W_OK) != 0) {
    support.why = support.where + " is not writable (run under systemd with Delegate=yes)";
  } else {
    support.writable_v2 = true;
  }
  return support;
}

}  // namespace spawnq
