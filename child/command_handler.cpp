#include "command_handler.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "process_io.hpp"

extern char** environ;

namespace spawnq {
namespace {

// A memfd holds the payload, so a handler that never reads stdin cannot
// block us, and any size fits.
bool payload_on_stdin(const std::string& payload) {
  const int fd = ::memfd_create("spawnq-payload", 0);
  if (fd < 0) return false;
  if (::write(fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size()) ||
      ::lseek(fd, 0, SEEK_SET) != 0 || ::dup2(fd, 0) != 0) {
    ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

std::string exec_command(const CommandSpec& command, const std::string& payload_json) {
  if (!payload_on_stdin(payload_json)) {
    return std::string("cannot hand the payload to the command: ") + std::strerror(errno);
  }
  if (!command.working_dir.empty() && ::chdir(command.working_dir.c_str()) != 0) {
    return "cannot enter " + command.working_dir + ": " + std::strerror(errno);
  }
  std::vector<std::string> argv = command.argv;
  std::vector<std::string> inherited;
  for (char** e = environ; *e; ++e) inherited.emplace_back(*e);
  std::vector<std::string> env = command_environment(inherited, command.env);
  std::vector<char*> argv_ptrs = c_strings(argv);
  std::vector<char*> env_ptrs = c_strings(env);
  ::execve(argv_ptrs[0], argv_ptrs.data(), env_ptrs.data());
  return "cannot run " + command.argv[0] + ": " + std::strerror(errno);
}

}  // namespace spawnq
