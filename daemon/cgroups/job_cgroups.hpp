// JobCgroups gives each running job a cgroup v2 folder of its own,
// BASE/spawnq-PID/slot-N: memory.max and pids.max from the job's limits where
// those controllers are available, the runner born inside it (cgroup_spawn),
// and ended with cgroup.kill, so that nothing a job started outlives it,
// setsid escapers included. A slot holds one job at a time and is handed to
// the next job if that one left nothing behind: making and removing a cgroup
// per job cost a quarter of the spawn rate here, reusing one 4%. A slot that
// needed cgroup.kill is removed instead. At start it also ends what
// daemons that died left behind. Filesystem edge; lives on the event loop.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cgroup_lease.hpp"
#include "cgroup_location.hpp"
#include "common/envelope.hpp"
#include "config/config.hpp"
#include "job_cgroup_events.hpp"

namespace spawnq {

class JobCgroups {
 public:
  // nullptr when per-job cgroups cannot be made under `where`; `why` says why.
  static std::unique_ptr<JobCgroups> open(boost::asio::io_context& loop, const CgroupLocation& where,
                                          std::string& why);
  ~JobCgroups();  // ends and removes what is left, then this daemon's folder

  JobCgroups(const JobCgroups&) = delete;
  JobCgroups& operator=(const JobCgroups&) = delete;

  // For the start-up log line: where, and what is enforced.
  std::string describe() const;
  // An empty cgroup for one job, its limits written; it returns to the pool
  // when the lease ends. Throws std::system_error.
  CgroupLease acquire(const JobLimits& limits);

 private:
  friend class CgroupLease;
  // A lease ended (`killed`: its slot saw cgroup.kill): a clean, empty slot
  // goes to the next job; any other is emptied and removed.
  void take_back(CgroupSlot slot, bool killed);

  JobCgroups(boost::asio::io_context& loop, std::string folder);
  void enable_controllers(const CgroupLocation& where);
  void retry_draining();

  struct Draining {
    std::string path;
    std::chrono::steady_clock::time_point since;
  };

  boost::asio::io_context& loop_;
  std::string folder_;
  bool memory_ = false;
  bool pids_ = false;
  bool moved_self_ = false;  // the daemon lives in folder_/supervisor
  std::string controllers_note_;
  std::vector<CgroupSlot> free_;        // empty slots, their fds open
  std::vector<Draining> draining_;      // killed, to be removed once empty
  std::size_t slots_ = 0;               // made so far
  boost::asio::steady_timer drain_timer_;
  std::chrono::milliseconds drain_delay_{0};
};

// Per-job cgroups as `cgroups:` asks; none when off or unavailable, which
// `required` refuses (RuntimeFailure). Says in the log which it is.
std::unique_ptr<JobCgroups> open_job_cgroups(boost::asio::io_context& loop, const CgroupSettings& settings);

// SIGKILL to every member at once (cgroup.kill).
void kill_cgroup(const std::string& cgroup);
std::vector<pid_t> cgroup_members(const std::string& cgroup);
JobCgroupEvents read_cgroup_events(const std::string& cgroup);
// What happened between two readings of the same cgroup's counters.
JobCgroupEvents operator-(const JobCgroupEvents& after, const JobCgroupEvents& before);

}  // namespace spawnq
