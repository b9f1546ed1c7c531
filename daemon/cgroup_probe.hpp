// Whether this daemon could give each job a cgroup of its own: a cgroup v2
// hierarchy with the daemon's own group writable (systemd Delegate=yes, or a
// container that delegates). Checked once at start and reported in the log.
#pragma once

#include <string>

namespace spawnq {

struct CgroupSupport {
  bool writable_v2 = false;
  std::string where;  // the daemon's cgroup folder, when found
  std::string why;    // why not, for the log
};

CgroupSupport probe_cgroups();

}  // namespace spawnq
