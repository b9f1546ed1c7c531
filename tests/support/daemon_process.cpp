#include "support/daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/wait_until.hpp"

extern char** environ;

namespace spawnq::test {

std::string fixture_handler(const std::string& name) {
  return std::string(SPAWNQ_SOURCE_DIR) + "/tests/fixtures/handlers/" + name;
}

DaemonProcess::DaemonProcess(const std::string& database_url, const std::string& config_yaml,
                             std::vector<std::string> args, const std::map<std::string, std::string>& env) {
  char pattern[] = "/tmp/spawnq-daemon-test.XXXXXX";
  folder_ = ::mkdtemp(pattern);
  std::ofstream(folder_ + "/spawnq.yaml") << config_yaml;

  std::vector<std::string> argv = {SPAWNQ_BIN, "--config", folder_ + "/spawnq.yaml", "--database-url",
                                   database_url};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (name != "SPAWNQ_CONFIG" && name != "SPAWNQ_DATABASE_URL" && !env.count(name)) envs.push_back(entry);
  }
  for (const auto& [name, value] : env) envs.push_back(name + "=" + value);

  std::vector<char*> argv_ptrs;
  for (std::string& a : argv) argv_ptrs.push_back(a.data());
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (std::string& e : envs) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log_path = folder_ + "/daemon.log";
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const int rc = ::posix_spawn(&pid_, SPAWNQ_BIN, &actions, nullptr, argv_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start spawnq");
}

DaemonProcess::~DaemonProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

void DaemonProcess::signal(int signal) const { ::kill(pid_, signal); }

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds limit) {
  if (exit_code_) return exit_code_;
  wait_until(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      },
      limit);
  return exit_code_;
}

std::string DaemonProcess::log() const {
  std::ifstream in(folder_ + "/daemon.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<pid_t> DaemonProcess::runner_pid(long long job_id) const {
  const std::regex started("job=" + std::to_string(job_id) + " attempt=\\d+ started \\S+ pid=(\\d+)");
  std::smatch match;
  const std::string text = log();
  if (!std::regex_search(text, match, started)) return std::nullopt;
  return static_cast<pid_t>(std::stoi(match[1].str()));
}

}  // namespace spawnq::test
