#include "job_limits.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/resource_limits.hpp"

namespace spawnq {

std::string apply_limits(const JobLimits& limits) {
  for (const ResourceLimit& limit : resource_limits(limits)) {
    const rlimit value{limit.soft, limit.hard};
    if (::setrlimit(limit.resource, &value) != 0) {
      return std::string("setrlimit(") + limit.name + "): " + std::strerror(errno);
    }
  }
  return {};
}

std::string drop_privileges(const RunAs& run_as) {
  const std::string who = "cannot run as user " + run_as.user + ": ";
  std::vector<gid_t> groups(run_as.groups.begin(), run_as.groups.end());
  if (::setgroups(groups.size(), groups.data()) != 0) return who + "setgroups: " + std::strerror(errno);
  if (::setgid(run_as.gid) != 0) return who + "setgid: " + std::strerror(errno);
  if (::setuid(run_as.uid) != 0) return who + "setuid: " + std::strerror(errno);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return who + "PR_SET_NO_NEW_PRIVS: " + std::strerror(errno);
  return {};
}

}  // namespace spawnq
