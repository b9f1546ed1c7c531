#include "worker_identity.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace spawnq {
namespace {

std::string first_line_of(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

WorkerIdentity this_worker() {
  WorkerIdentity me;
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  me.host = name;
  me.pid = ::getpid();
  me.boot_id = first_line_of("/proc/sys/kernel/random/boot_id");
  std::error_code ec;
  me.pid_namespace = std::filesystem::read_symlink("/proc/self/ns/pid", ec).string();
  return me;
}

bool provably_gone(const WorkerRow& other, const WorkerIdentity& me,
                   const std::function<bool(int pid)>& running) {
  if (other.boot_id.empty() || me.boot_id.empty()) return false;
  if (other.boot_id != me.boot_id) return true;  // the host rebooted since
  if (other.pid_namespace.empty() || other.pid_namespace != me.pid_namespace) return false;
  return other.pid == me.pid || !running(other.pid);
}

}  // namespace spawnq
