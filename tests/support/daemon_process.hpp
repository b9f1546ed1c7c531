// DaemonProcess runs the real `spawnq` daemon for a test: its config written
// to a temp folder, its output in a log file the test can read, real signals
// to stop it. A daemon still running when the test ends is killed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spawnq::test {

// Absolute path of a handler script in tests/fixtures/handlers.
std::string fixture_handler(const std::string& name);

class DaemonProcess {
 public:
  // `args`: the command and its flags, e.g. {"work-all"} or {"work", "emails"}.
  DaemonProcess(const std::string& database_url, const std::string& config_yaml,
                std::vector<std::string> args = {"work-all"},
                const std::map<std::string, std::string>& env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& folder() const { return folder_; }  // a temp folder the test may use
  void signal(int signal) const;
  // The exit code once it exits within `limit` (128+signal if killed).
  std::optional<int> wait_exit(std::chrono::milliseconds limit);
  std::string log() const;
  // The pid the daemon logged for the job's runner ("job=N attempt=A started … pid=P").
  std::optional<pid_t> runner_pid(long long job_id) const;

 private:
  std::string folder_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace spawnq::test
