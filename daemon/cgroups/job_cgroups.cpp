#include "job_cgroups.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include <spdlog/spdlog.h>

#include "cgroup_spawn.hpp"
#include "common/errors.hpp"

namespace spawnq {
namespace {

constexpr std::string_view kDaemonPrefix = "spawnq-";
constexpr std::chrono::milliseconds kFirstDrainCheck{20};
constexpr std::chrono::milliseconds kLastDrainCheck{2000};
// A cgroup still busy this long after cgroup.kill holds something unkillable
// (a process in uninterruptible sleep); it is left in place.
constexpr std::chrono::seconds kDrainPatience{60};

// 0, or the errno of the failed open or write.
int write_file(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int error = n < 0 ? errno : 0;
  ::close(fd);
  return error;
}

void write_or_throw(const std::string& path, std::string_view text) {
  if (const int error = write_file(path, text); error != 0) {
    throw std::system_error(error, std::generic_category(), "write " + path);
  }
}

// "memory pids\n" (cgroup.controllers, cgroup.subtree_control) lists `word`.
bool has_word(const std::string& text, std::string_view word) {
  for (const std::string_view line : split_kernel_text(text, '\n')) {
    for (const std::string_view listed : split_kernel_text(line, ' ')) {
      if (listed == word) return true;
    }
  }
  return false;
}

std::vector<std::string> subfolders(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return names;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_type == DT_DIR && entry->d_name[0] != '.') names.emplace_back(entry->d_name);
  }
  ::closedir(dir);
  return names;
}

}  // namespace

std::vector<pid_t> cgroup_members(const std::string& cgroup) {
  std::vector<pid_t> pids;
  const std::string text = read_kernel_file(cgroup + "/cgroup.procs");
  for (const std::string_view line : split_kernel_text(text, '\n')) {
    pids.push_back(static_cast<pid_t>(std::stol(std::string(line))));
  }
  return pids;
}

namespace {

// rmdir succeeds once every member has exited (zombies do not count).
bool remove_folder(const std::string& path) { return ::rmdir(path.c_str()) == 0 || errno == ENOENT; }

// Removes the folders, waiting a little for the members of killed ones to
// finish exiting (a parent goes in the round after its last child). Returns
// whether all are gone.
bool remove_in_time(std::vector<std::string> folders, std::chrono::milliseconds patience) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  for (;;) {
    std::erase_if(folders, [](const std::string& folder) { return remove_folder(folder); });
    if (folders.empty()) return true;
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Kills a dead daemon's folder whole and removes it, its job folders first.
// Returns how many processes it ended.
std::size_t end_abandoned(const std::string& folder) {
  std::size_t killed = 0;
  std::vector<std::string> folders;
  for (const std::string& child : subfolders(folder)) {
    folders.push_back(folder + "/" + child);
    killed += cgroup_members(folders.back()).size();
  }
  folders.push_back(folder);
  kill_cgroup(folder);
  if (!remove_in_time(std::move(folders), std::chrono::seconds(2))) {
    spdlog::warn("cgroups: {} is still busy after cgroup.kill; left in place", folder);
  }
  return killed;
}

// A daemon that died (kill -9, a crash) could not end what its jobs started;
// whoever starts next under the same base does. A live pid is left alone,
// whoever it now belongs to.
void end_abandoned_daemons(const std::string& base) {
  for (const std::string& name : subfolders(base)) {
    if (name.rfind(kDaemonPrefix, 0) != 0) continue;
    const std::string digits = name.substr(kDaemonPrefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    const std::size_t killed = end_abandoned(base + "/" + name);
    spdlog::info("cgroups: removed {}/{} of daemon pid {}, which is gone; ended {} process(es) its jobs left",
                 base, name, pid, killed);
  }
}

}  // namespace

void kill_cgroup(const std::string& cgroup) { write_file(cgroup + "/cgroup.kill", "1"); }

JobCgroupEvents read_cgroup_events(const std::string& cgroup) {
  return JobCgroupEvents{keyed_count(read_kernel_file(cgroup + "/memory.events"), "oom_kill"),
                         keyed_count(read_kernel_file(cgroup + "/pids.events"), "max")};
}

JobCgroupEvents operator-(const JobCgroupEvents& after, const JobCgroupEvents& before) {
  return JobCgroupEvents{after.oom_kills - std::min(after.oom_kills, before.oom_kills),
                         after.pids_refused - std::min(after.pids_refused, before.pids_refused)};
}

std::unique_ptr<JobCgroups> open_job_cgroups(boost::asio::io_context& loop, const CgroupSettings& settings) {
  if (settings.mode == CgroupMode::off) {
    spdlog::info("cgroups: off (cgroups.mode); job limits use setrlimit");
    return nullptr;
  }
  std::string why;
  auto cgroups = JobCgroups::open(loop, locate_cgroup_base(settings.root), why);
  if (cgroups) {
    spdlog::info("cgroups: {}", cgroups->describe());
  } else if (settings.mode == CgroupMode::required) {
    throw RuntimeFailure("cgroups: mode is required, but per-job cgroups are unavailable: " + why);
  } else {
    spdlog::info("cgroups: per-job cgroups unavailable ({}); job limits use setrlimit", why);
  }
  return cgroups;
}

std::unique_ptr<JobCgroups> JobCgroups::open(boost::asio::io_context& loop, const CgroupLocation& where,
                                             std::string& why) {
  if (where.base.empty()) {
    why = where.why;
    return nullptr;
  }
  if (!can_spawn_detached(why)) return nullptr;
  end_abandoned_daemons(where.base);
  const std::string folder = where.base + "/" + std::string(kDaemonPrefix) + std::to_string(::getpid());
  int made = ::mkdir(folder.c_str(), 0755);
  if (made != 0 && errno == EEXIST) {
    end_abandoned(folder);  // a dead daemon's that had our pid: what it left dies now
    made = ::mkdir(folder.c_str(), 0755);
  }
  if (made != 0) {
    why = "cannot create " + folder + ": " + std::strerror(errno);
    return nullptr;
  }
  // The kernel only offers cgroup.kill since Linux 5.14.
  if (::access((folder + "/cgroup.kill").c_str(), W_OK) != 0) {
    why = folder + "/cgroup.kill is missing (Linux 5.14 or newer is needed)";
    ::rmdir(folder.c_str());
    return nullptr;
  }
  std::unique_ptr<JobCgroups> cgroups(new JobCgroups(loop, folder));
  cgroups->enable_controllers(where);
  return cgroups;
}

JobCgroups::JobCgroups(boost::asio::io_context& loop, std::string folder)
    : loop_(loop), folder_(std::move(folder)), drain_timer_(loop) {}

// Free slots are empty and draining ones already killed: only removal is left.
JobCgroups::~JobCgroups() {
  std::vector<std::string> folders;
  for (const CgroupSlot& slot : free_) folders.push_back(slot.path);
  free_.clear();  // their descriptors close
  for (const Draining& d : draining_) folders.push_back(d.path);
  // A daemon that moved itself into folder_/supervisor cannot remove it; the
  // next daemon to start under the same base will.
  if (!moved_self_) folders.push_back(folder_);
  remove_in_time(std::move(folders), std::chrono::seconds(2));
}

// memory.max and pids.max need their controllers enabled down the tree, and
// a non-root cgroup that enables them may hold no processes itself: a daemon
// living in its delegated cgroup moves into a leaf of its own first.
void JobCgroups::enable_controllers(const CgroupLocation& where) {
  const std::string available = read_kernel_file(where.base + "/cgroup.controllers");
  std::vector<std::string> missing;
  for (const char* controller : {"memory", "pids"}) {
    bool& enabled = std::string_view(controller) == "memory" ? memory_ : pids_;
    if (!has_word(available, controller)) {
      missing.push_back(std::string(controller) + " (not offered to " + where.base + ")");
      continue;
    }
    const std::string control = where.base + "/cgroup.subtree_control";
    const std::string request = std::string("+") + controller;
    int error = has_word(read_kernel_file(control), controller) ? 0 : write_file(control, request);
    if (error == EBUSY && where.holds_us && !where.is_root && !moved_self_) {
      const std::string leaf = folder_ + "/supervisor";
      if ((::mkdir(leaf.c_str(), 0755) == 0 || errno == EEXIST) &&
          write_file(leaf + "/cgroup.procs", "0") == 0) {
        moved_self_ = true;
        spdlog::info("cgroups: moved the daemon into {} so that {} may enable controllers", leaf, where.base);
        error = write_file(control, request);
      }
    }
    if (error == 0) error = write_file(folder_ + "/cgroup.subtree_control", request);
    if (error != 0) {
      missing.push_back(std::string(controller) + " (cannot enable: " + std::strerror(error) + ")");
      continue;
    }
    enabled = true;
  }
  for (const std::string& m : missing) controllers_note_ += (controllers_note_.empty() ? "" : ", ") + m;
}

std::string JobCgroups::describe() const {
  std::string enforced = "cgroup.kill";
  if (memory_) enforced += ", memory.max";
  if (pids_) enforced += ", pids.max";
  std::string text = "per-job cgroups under " + folder_ + " (" + enforced + ")";
  if (!controllers_note_.empty()) {
    text += "; controllers unavailable: " + controllers_note_ + ", so memory and processes limits use setrlimit only";
  }
  return text;
}

CgroupLease JobCgroups::acquire(const JobLimits& limits) {
  CgroupSlot slot;
  if (!free_.empty()) {
    slot = std::move(free_.back());
    free_.pop_back();
  } else {
    slot.path = folder_ + "/slot-" + std::to_string(++slots_);
    slot.counts_limits = memory_ || pids_;
    if (::mkdir(slot.path.c_str(), 0755) != 0) {
      throw std::system_error(errno, std::generic_category(), "mkdir " + slot.path);
    }
    try {
      slot.folder = open_cloexec(slot.path.c_str(), O_RDONLY | O_DIRECTORY);
      slot.events = open_cloexec((slot.path + "/cgroup.events").c_str(), O_RDONLY);
      // An out-of-memory kill takes the whole job, not one arbitrary process of it.
      if (memory_) write_or_throw(slot.path + "/memory.oom.group", "1");
    } catch (...) {
      take_back(std::move(slot), true);
      throw;
    }
  }
  // From here the lease owns the slot: a failed write below gives it back clean.
  CgroupLease lease(*this, std::move(slot));
  if (memory_) {
    write_or_throw(lease.path() + "/memory.max", limits.memory_bytes ? std::to_string(*limits.memory_bytes) : "max");
  }
  if (pids_) {
    write_or_throw(lease.path() + "/pids.max", limits.processes ? std::to_string(*limits.processes) : "max");
  }
  return lease;
}

// A slot that has seen cgroup.kill is never handed out again: on this kernel
// (6.18) a process cloned into a cgroup whose kill count moved since the
// parent's was taken is killed at birth. So it is removed, and a fresh slot
// made when needed; jobs that leave nothing behind keep their slot clean.
void JobCgroups::take_back(CgroupSlot slot, bool killed) {
  // Not killed: its runner's end found it empty (ChildProcess::reap).
  if (!killed) {
    free_.push_back(std::move(slot));
    return;
  }
  const std::string path = std::move(slot.path);
  slot = CgroupSlot{};  // its descriptors close
  kill_cgroup(path);    // whatever is still there
  if (remove_folder(path)) return;
  draining_.push_back(Draining{path, std::chrono::steady_clock::now()});
  if (drain_delay_.count() == 0) {
    drain_delay_ = kFirstDrainCheck;
    drain_timer_.expires_after(drain_delay_);
    drain_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) retry_draining();
    });
  }
}

void JobCgroups::retry_draining() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(draining_, [now](const Draining& d) {
    if (remove_folder(d.path)) return true;
    if (now - d.since < kDrainPatience) return false;
    spdlog::warn("cgroups: {} is still busy {}s after cgroup.kill; left in place", d.path, kDrainPatience.count());
    return true;
  });
  if (draining_.empty()) {
    drain_delay_ = std::chrono::milliseconds(0);
    return;
  }
  drain_delay_ = std::min(drain_delay_ * 2, kLastDrainCheck);
  drain_timer_.expires_after(drain_delay_);
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) retry_draining();
  });
}

}  // namespace spawnq
