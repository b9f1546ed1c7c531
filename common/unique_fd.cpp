#include "unique_fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace spawnq {
namespace {

[[noreturn]] void fail(const std::string& what, int error = errno) {
  throw std::system_error(error, std::generic_category(), what);
}

UniqueFd checked(int fd, const char* what) {
  if (fd < 0) fail(what);
  return above_three(UniqueFd(fd));
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

UniqueFd above_three(UniqueFd fd) {
  if (fd.get() > 3) return fd;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 4);
  if (moved < 0) fail("fcntl(F_DUPFD_CLOEXEC)");
  return UniqueFd(moved);  // the low one closes as `fd` goes
}

PipeFds make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
  // Owned before anything else can throw: a failing move closes both.
  UniqueFd read(fds[0]);
  UniqueFd write(fds[1]);
  return PipeFds{above_three(std::move(read)), above_three(std::move(write))};
}

UniqueFd make_memfd(const char* name, std::string_view contents) {
  UniqueFd fd = checked(::memfd_create(name, MFD_CLOEXEC), "memfd_create");
  while (!contents.empty()) {
    const ssize_t n = ::write(fd.get(), contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write(memfd)");
    contents.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) fail("lseek(memfd)");
  return fd;
}

UniqueFd open_pidfd(pid_t pid) {
  // glibc 2.36's <sys/pidfd.h> lacks extern "C", so call the kernel directly.
  // A pidfd is always close-on-exec.
  return checked(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)), "pidfd_open");
}

UniqueFd dup_cloexec(int fd) { return checked(::fcntl(fd, F_DUPFD_CLOEXEC, 4), "fcntl(F_DUPFD_CLOEXEC)"); }

UniqueFd open_cloexec(const char* path, int flags) {
  const int fd = ::open(path, flags | O_CLOEXEC);
  if (fd < 0) fail(std::string("open ") + path);
  return above_three(UniqueFd(fd));
}

}  // namespace spawnq
