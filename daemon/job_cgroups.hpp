// JobCgroups gives each job attempt a cgroup v2 folder of its own,
// BASE/spawnq-PID/job-ID-ATTEMPT: memory.max and pids.max from the job's
// limits where those controllers are available, the runner born inside it
// (cgroup_spawn), and ended with cgroup.kill, so that nothing a job
// started outlives it, setsid escapers included. A folder is removed once
// empty. At start it also ends what daemons that died left behind.
// Filesystem edge; lives on the event loop.
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
#include "common/job.hpp"
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
  // A fresh cgroup for one attempt, its limits written. Throws std::system_error.
  std::string create(JobId job, int attempt, const JobLimits& limits);
  // Removes it, ending whatever is left in it, retrying until it is empty.
  void release(const std::string& cgroup);

 private:
  JobCgroups(boost::asio::io_context& loop, std::string folder);
  void enable_controllers(const CgroupLocation& where);
  void retry_removals();

  struct Pending {
    std::string path;
    std::chrono::steady_clock::time_point since;
  };

  boost::asio::io_context& loop_;
  std::string folder_;
  bool memory_ = false;
  bool pids_ = false;
  bool moved_self_ = false;  // the daemon lives in folder_/supervisor
  std::string controllers_note_;
  std::vector<Pending> pending_;
  boost::asio::steady_timer removal_timer_;
  std::chrono::milliseconds removal_delay_{0};
};

// Members of a job's cgroup, outside the runner's process group `pgid`
// (which is signalled as a group), get `signal`: a graceful stop reaches
// escapers too, and nobody gets it twice.
void signal_cgroup(const std::string& cgroup, pid_t pgid, int signal);
// SIGKILL to every member at once (cgroup.kill).
void kill_cgroup(const std::string& cgroup);
JobCgroupEvents read_cgroup_events(const std::string& cgroup);

}  // namespace spawnq
