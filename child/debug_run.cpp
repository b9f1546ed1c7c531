#include "debug_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/envelope.hpp"
#include "process_io.hpp"

extern char** environ;

namespace spawnq {
namespace {

struct Spawned {
  pid_t pid = -1;
  std::string error;
};

// posix_spawnp with some fds of the child replaced: {child_fd, our_fd}.
Spawned spawn(std::vector<std::string> argv, const std::vector<std::pair<int, int>>& fds,
              std::vector<std::string>* env = nullptr) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (const auto& [child_fd, our_fd] : fds) posix_spawn_file_actions_adddup2(&actions, our_fd, child_fd);
  std::vector<char*> argv_ptrs = c_strings(argv);
  std::vector<char*> env_ptrs;
  if (env) env_ptrs = c_strings(*env);
  Spawned spawned;
  const int rc = ::posix_spawnp(&spawned.pid, argv_ptrs[0], &actions, nullptr, argv_ptrs.data(),
                                env ? env_ptrs.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) spawned.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
  return spawned;
}

int wait_for(pid_t pid, int* raw_status = nullptr) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (raw_status) *raw_status = status;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// spawnq beside this job-runner (an install or a build tree), else in PATH.
std::string spawnq_program(const char* argv0) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = argv0;
  const auto sibling = self.parent_path() / "spawnq";
  return ::access(sibling.c_str(), X_OK) == 0 ? sibling.string() : "spawnq";
}

std::vector<std::string> spawnq_args(const std::string& program, const std::optional<std::string>& config) {
  std::vector<std::string> args{program};
  if (config) args.push_back("--config=" + *config);
  return args;
}

}  // namespace

int run_debug(std::int64_t job_id, const std::optional<std::string>& config, bool commit,
              const char* argv0) {
  const std::string spawnq = spawnq_program(argv0);

  // 1. The envelope, as the daemon would build it.
  int envelope_pipe[2];
  if (::pipe2(envelope_pipe, O_CLOEXEC) != 0) return 1;
  std::vector<std::string> args = spawnq_args(spawnq, config);
  args.insert(args.end(), {"envelope", std::to_string(job_id)});
  const Spawned fetch = spawn(args, {{1, envelope_pipe[1]}});
  ::close(envelope_pipe[1]);
  if (fetch.pid < 0) {
    std::fprintf(stderr, "job-runner: %s\n", fetch.error.c_str());
    return 1;
  }
  const std::string envelope_text = read_all(envelope_pipe[0]);
  ::close(envelope_pipe[0]);
  if (const int rc = wait_for(fetch.pid); rc != 0) return rc;  // spawnq said why
  const Envelope envelope = parse_envelope(envelope_text);

  // 2. The job, in a supervised runner of its own, output on this terminal.
  std::fprintf(stderr, "job-runner: running job %lld (%s, queue %s, attempt %d) in the foreground\n",
               static_cast<long long>(job_id), envelope.job_type.c_str(), envelope.queue.c_str(),
               envelope.attempt);
  const int input = ::memfd_create("spawnq-envelope", MFD_CLOEXEC);
  int results[2];
  if (input < 0 || ::pipe2(results, O_CLOEXEC) != 0) return 1;
  if (::write(input, envelope_text.data(), envelope_text.size()) < 0 || ::lseek(input, 0, SEEK_SET) != 0) return 1;
  std::vector<std::string> env = job_environment(job_base_environment(environ), job_id, envelope.queue,
                                                 envelope.job_type, envelope.attempt, ::getpid());
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const Spawned job = spawn({ec ? std::string(argv0) : self.string(),
                             "--job-id=" + std::to_string(job_id), "--supervised"},
                            {{0, input}, {3, results[1]}}, &env);
  ::close(input);
  ::close(results[1]);
  if (job.pid < 0) {
    std::fprintf(stderr, "job-runner: %s\n", job.error.c_str());
    return 1;
  }
  std::string last_result;
  const std::string lines = read_all(results[0]);
  ::close(results[0]);
  for (std::size_t start = 0; start < lines.size();) {
    const std::size_t end = std::min(lines.find('\n', start), lines.size());
    const std::string line = lines.substr(start, end - start);
    std::string why;
    const auto message = parse_child_message(line, why);
    if (message && std::holds_alternative<ResultLine>(*message)) last_result = line;
    else if (message) std::fprintf(stderr, "job-runner: progress: %s\n", line.c_str());
    else std::fprintf(stderr, "job-runner: ignoring fd 3 line (%s): %s\n", why.c_str(), line.c_str());
    start = end + 1;
  }
  int raw = 0;
  const int job_exit = wait_for(job.pid, &raw);

  // 3. What would be recorded, and with --commit, recorded.
  args = spawnq_args(spawnq, config);
  args.insert(args.end(), {"record", std::to_string(job_id), "--attempt=" + std::to_string(envelope.attempt)});
  if (WIFEXITED(raw)) args.push_back("--exit-code=" + std::to_string(WEXITSTATUS(raw)));
  else args.push_back("--signal=" + std::to_string(WTERMSIG(raw)));
  if (!last_result.empty()) args.push_back("--result=" + last_result);
  if (commit) args.push_back("--commit");
  const Spawned record = spawn(args, {});
  if (record.pid < 0) {
    std::fprintf(stderr, "job-runner: %s\n", record.error.c_str());
    return 1;
  }
  if (const int rc = wait_for(record.pid); rc != 0) return rc;
  return job_exit;
}

}  // namespace spawnq
