// Where job cgroups go: a folder of the cgroup v2 hierarchy that this daemon
// may write to. By default the daemon's own cgroup (systemd's Delegate=yes
// hands a service its own subtree), else the configured `cgroups.root`. The
// parsers are pure; locate_cgroup_base() reads /proc and stats the folder.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawnq {

// The mount point of the cgroup v2 hierarchy in /proc/self/mountinfo text:
// /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one.
std::optional<std::string> cgroup2_mount(std::string_view mountinfo);
// This process's v2 cgroup ("/system.slice/spawnq.service") from the `0::`
// line of /proc/self/cgroup text.
std::optional<std::string> own_cgroup2_path(std::string_view proc_cgroup);

struct CgroupLocation {
  std::string base;        // an absolute folder in the v2 hierarchy; empty when unusable
  bool holds_us = false;   // the daemon itself is a member of `base`
  bool is_root = false;    // `base` is the hierarchy's root, exempt from "no internal processes"
  std::string why;         // why unusable, for the log
};

CgroupLocation locate_cgroup_base(const std::optional<std::string>& configured);

// The whole text of a small /proc or cgroup file; empty when unreadable.
std::string read_kernel_file(const std::string& path);
// The pieces between separators (lines, fields), empty ones skipped.
std::vector<std::string_view> split_kernel_text(std::string_view text, char separator);

}  // namespace spawnq
