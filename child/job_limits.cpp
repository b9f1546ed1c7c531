#include "job_limits.hpp"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spawnq {
namespace {

std::string set_limit(int resource, const char* name, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  if (::setrlimit(resource, &limit) != 0) return std::string("setrlimit(") + name + "): " + std::strerror(errno);
  return {};
}

}  // namespace

std::string apply_limits(const JobLimits& limits) {
  std::string error;
  auto set = [&](int resource, const char* name, rlim_t soft, rlim_t hard) {
    if (error.empty()) error = set_limit(resource, name, soft, hard);
  };
  set(RLIMIT_CORE, "RLIMIT_CORE", limits.core_bytes.value_or(0), limits.core_bytes.value_or(0));
  if (limits.memory_bytes) set(RLIMIT_AS, "RLIMIT_AS", *limits.memory_bytes, *limits.memory_bytes);
  if (limits.cpu_time_s) {
    // SIGXCPU at the limit names the cause; SIGKILL a second later if ignored.
    const auto seconds = static_cast<rlim_t>(*limits.cpu_time_s);
    set(RLIMIT_CPU, "RLIMIT_CPU", seconds, seconds + 1);
  }
  if (limits.open_files) set(RLIMIT_NOFILE, "RLIMIT_NOFILE", *limits.open_files, *limits.open_files);
  if (limits.processes) set(RLIMIT_NPROC, "RLIMIT_NPROC", *limits.processes, *limits.processes);
  return error;
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
