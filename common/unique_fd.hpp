// UniqueFd owns one file descriptor: move-only, closed by its destructor, so
// a failure halfway through setting up a child leaks nothing. Every
// descriptor the daemon opens is close-on-exec from birth; the functions
// below open them that way and never hand out 0-3, so that the dup2 of a
// child's fds 0-3 cannot meet a descriptor of ours with the same number.
// Not thread-safe; each owner keeps its fds on its own thread.
#pragma once

#include <sys/types.h>

#include <string_view>
#include <utility>

namespace spawnq {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Gives up ownership (to a Boost.Asio descriptor, say, which closes it).
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct PipeFds {
  UniqueFd read;
  UniqueFd write;
};

// Each throws std::system_error naming the call that failed.
PipeFds make_pipe();
UniqueFd make_memfd(const char* name, std::string_view contents);  // rewound to its start
UniqueFd open_pidfd(pid_t pid);
UniqueFd dup_cloexec(int fd);
UniqueFd open_cloexec(const char* path, int flags);
// `fd` moved above 3 if it is one of 0-3 (see above).
UniqueFd above_three(UniqueFd fd);

}  // namespace spawnq
