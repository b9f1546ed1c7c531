// CgroupLease is one job's hold on a pooled cgroup slot (JobCgroups): the
// folder the runner is born in, its cgroup.events, and whether cgroup.kill
// was ever written to it. Whatever path a job takes — exit, timeout, a spawn
// that failed halfway — the lease goes back to its pool exactly once, when it
// is destroyed or given back, and the pool learns from the lease itself
// whether the slot may be reused (on Linux 6.18 a cgroup that saw
// cgroup.kill kills what is later cloned into it). An empty lease (no
// cgroups) does nothing. Move-only; event loop only. The pool outlives its
// leases: the daemon stops only after every child was reaped.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/unique_fd.hpp"
#include "job_cgroup_events.hpp"

namespace spawnq {

class JobCgroups;

// A cgroup folder of the pool, its descriptors kept open so that no job pays
// for path walks.
struct CgroupSlot {
  std::string path;
  UniqueFd folder;             // the runner is cloned into it (CLONE_INTO_CGROUP)
  UniqueFd events;             // cgroup.events, read with pread
  bool counts_limits = false;  // memory or pids controllers: limit hits worth reading
};

class CgroupLease {
 public:
  CgroupLease() = default;  // no cgroup
  CgroupLease(JobCgroups& pool, CgroupSlot slot);
  ~CgroupLease() { give_back(); }
  CgroupLease(CgroupLease&& other) noexcept;
  CgroupLease& operator=(CgroupLease&& other) noexcept;
  CgroupLease(const CgroupLease&) = delete;
  CgroupLease& operator=(const CgroupLease&) = delete;

  explicit operator bool() const { return pool_ != nullptr; }
  const std::string& path() const { return slot_.path; }
  int folder_fd() const { return slot_.folder.get(); }

  // `signal` to every member outside the runner's process group `pgid`
  // (which the caller signals as a group): a graceful stop reaches setsid
  // escapers too, and nobody gets it twice. SIGKILL is cgroup.kill.
  void signal_members(pid_t pgid, int signal);
  void kill();  // cgroup.kill: every member at once
  bool populated() const;
  // Limit hits (out-of-memory kills, refused forks) since the lease began;
  // zero where the slot counts none.
  JobCgroupEvents limit_hits() const;
  bool counts_limits() const { return slot_.counts_limits; }

  void give_back();  // early; the destructor does it otherwise

 private:
  JobCgroups* pool_ = nullptr;
  CgroupSlot slot_;
  JobCgroupEvents before_;  // the slot's counters when the lease began
  bool killed_ = false;
};

}  // namespace spawnq
