#include "cgroup_lease.hpp"

#include <signal.h>
#include <unistd.h>

#include "job_cgroups.hpp"

namespace spawnq {

CgroupLease::CgroupLease(JobCgroups& pool, CgroupSlot slot) : pool_(&pool), slot_(std::move(slot)) {
  if (slot_.counts_limits) before_ = read_cgroup_events(slot_.path);
}

CgroupLease::CgroupLease(CgroupLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      slot_(std::move(other.slot_)),
      before_(other.before_),
      killed_(other.killed_) {}

CgroupLease& CgroupLease::operator=(CgroupLease&& other) noexcept {
  if (this != &other) {
    give_back();
    pool_ = std::exchange(other.pool_, nullptr);
    slot_ = std::move(other.slot_);
    before_ = other.before_;
    killed_ = other.killed_;
  }
  return *this;
}

void CgroupLease::signal_members(pid_t pgid, int signal) {
  if (!pool_) return;
  if (signal == SIGKILL) return kill();
  for (const pid_t pid : cgroup_members(slot_.path)) {
    if (::getpgid(pid) != pgid) ::kill(pid, signal);
  }
}

void CgroupLease::kill() {
  if (!pool_) return;
  kill_cgroup(slot_.path);
  killed_ = true;
}

bool CgroupLease::populated() const {
  if (!pool_) return false;
  char text[256];
  const ssize_t n = ::pread(slot_.events.get(), text, sizeof text - 1, 0);
  // Unreadable: take it as busy, so it is emptied and removed, not reused.
  return n <= 0 || keyed_count(std::string_view(text, static_cast<std::size_t>(n)), "populated") != 0;
}

JobCgroupEvents CgroupLease::limit_hits() const {
  if (!pool_ || !slot_.counts_limits) return {};
  return read_cgroup_events(slot_.path) - before_;
}

void CgroupLease::give_back() {
  if (!pool_) return;
  std::exchange(pool_, nullptr)->take_back(std::move(slot_), killed_);
}

}  // namespace spawnq
