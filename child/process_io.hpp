// The two chores of a program that execs others and reads their output:
// reading a descriptor to its end, and turning strings into argv/envp.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace spawnq {

// Reads `fd` until end of file (or an error other than EINTR).
inline std::string read_all(int fd) {
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) return text;
  }
}

// A null-terminated array pointing into `strings`, which must outlive it.
inline std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace spawnq
