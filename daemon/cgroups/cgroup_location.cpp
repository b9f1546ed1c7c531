#include "cgroup_location.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace spawnq {
namespace {

constexpr long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string_view digits = field.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

bool is_cgroup2(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == kCgroup2Magic;
}

}  // namespace

std::string read_kernel_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string_view> split_kernel_text(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    if (end > start) pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return pieces;
}

std::optional<std::string> cgroup2_mount(std::string_view mountinfo) {
  for (const std::string_view line : split_kernel_text(mountinfo, '\n')) {
    // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPER_OPTIONS
    const std::vector<std::string_view> fields = split_kernel_text(line, ' ');
    std::size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash < 5 || dash + 1 >= fields.size() || fields[dash + 1] != "cgroup2") continue;
    return unescape_octal(fields[4]);
  }
  return std::nullopt;
}

std::optional<std::string> own_cgroup2_path(std::string_view proc_cgroup) {
  for (const std::string_view line : split_kernel_text(proc_cgroup, '\n')) {
    if (line.rfind("0::", 0) == 0) return std::string(line.substr(3));
  }
  return std::nullopt;
}

CgroupLocation locate_cgroup_base(const std::optional<std::string>& configured) {
  CgroupLocation where;
  const std::optional<std::string> mount = cgroup2_mount(read_kernel_file("/proc/self/mountinfo"));
  const std::optional<std::string> own = own_cgroup2_path(read_kernel_file("/proc/self/cgroup"));
  std::string own_folder;
  if (mount && own) own_folder = *mount + (*own == "/" ? "" : *own);
  if (configured) {
    where.base = *configured;
  } else if (!mount) {
    where.why = "no cgroup v2 hierarchy is mounted";
    return where;
  } else if (!own) {
    where.why = "this process has no cgroup v2 entry in /proc/self/cgroup";
    return where;
  } else {
    where.base = own_folder;
  }
  if (!is_cgroup2(where.base)) {
    where.why = where.base + " is not a folder of a cgroup v2 hierarchy";
  } else if (::access(where.base.c_str(), W_OK) != 0) {
    where.why = where.base + " is not writable (under systemd, set Delegate=yes)";
  }
  if (!where.why.empty()) {
    where.base.clear();
    return where;
  }
  while (where.base.size() > 1 && where.base.back() == '/') where.base.pop_back();
  where.holds_us = !own_folder.empty() && where.base == own_folder;
  where.is_root = mount && where.base == *mount;
  return where;
}

}  // namespace spawnq
