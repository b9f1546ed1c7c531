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
  struct Slot {
    std::string path;
    int folder_fd = -1;          // the runner is cloned into it (CLONE_INTO_CGROUP)
    int events_fd = -1;          // cgroup.events, read with pread: no path walk per job
    bool counts_limits = false;  // memory or pids controllers: limit hits worth reading
    JobCgroupEvents before;      // its counters when the job got it
  };
  // An empty cgroup for one job, its limits written. Throws std::system_error.
  Slot acquire(const JobLimits& limits);
  // The job is over (`killed`: its slot saw cgroup.kill): a clean, empty
  // slot goes to the next job; any other is emptied and removed.
  void release(const Slot& slot, bool killed);

 private:
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
  std::vector<Slot> free_;              // empty slots, their fds open
  std::vector<Draining> draining_;      // killed, to be removed once empty
  std::size_t slots_ = 0;               // made so far
  boost::asio::steady_timer drain_timer_;
  std::chrono::milliseconds drain_delay_{0};
};

// Per-job cgroups as `cgroups:` asks; none when off or unavailable, which
// `required` refuses (RuntimeFailure). Says in the log which it is.
std::unique_ptr<JobCgroups> open_job_cgroups(boost::asio::io_context& loop, const CgroupSettings& settings);

// Members of a job's cgroup, outside the runner's process group `pgid`
// (which is signalled as a group), get `signal`: a graceful stop reaches
// escapers too, and nobody gets it twice.
void signal_cgroup(const std::string& cgroup, pid_t pgid, int signal);
// SIGKILL to every member at once (cgroup.kill).
void kill_cgroup(const std::string& cgroup);
bool cgroup_populated(const JobCgroups::Slot& slot);
JobCgroupEvents read_cgroup_events(const std::string& cgroup);
// What happened between two readings of the same cgroup's counters.
JobCgroupEvents operator-(const JobCgroupEvents& after, const JobCgroupEvents& before);

}  // namespace spawnq
