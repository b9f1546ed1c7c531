// The child protocol of docs/SPEC.md §4 as values: the envelope the daemon hands a
// job-runner on stdin, and the JSON lines a job writes on fd 3. Parsing and
// formatting only, no I/O. Lives in library spawnq_protocol, which links no
// database library, so that job-runner can use it and still start fast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace spawnq {

// The numbers of the protocol, shared by the daemon and every runner.
inline constexpr int kResultFd = 3;                   // the result channel a child writes its lines on
inline constexpr int kExitTempFail = 75;              // EX_TEMPFAIL: retry
inline constexpr int kExitDataErr = 65;               // EX_DATAERR: fail, no retry
inline constexpr std::size_t kOutputTailBytes = 8192;  // of stdout+stderr, kept with each attempt

// An external command, resolved by the daemon from `handlers:`.
struct CommandSpec {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  std::string working_dir;
};

// Resource limits a runner applies to itself (setrlimit) before the handler
// runs; unset means inherited. Core dumps are off unless `core_bytes` is set.
struct JobLimits {
  std::optional<std::uint64_t> memory_bytes;  // RLIMIT_AS
  std::optional<std::int64_t> cpu_time_s;     // RLIMIT_CPU (SIGXCPU, then SIGKILL a second later)
  std::optional<std::uint64_t> open_files;    // RLIMIT_NOFILE
  std::optional<std::uint64_t> processes;     // RLIMIT_NPROC (per user; root is exempt)
  std::optional<std::uint64_t> core_bytes;    // RLIMIT_CORE; 0 when unset
  bool operator==(const JobLimits&) const = default;
};

// "512M", "1G", "4096": a size in the largest exact unit (powers of 1024).
std::string format_size(std::uint64_t bytes);

// The identity a runner drops to (a daemon running as root only), resolved
// from names by the daemon when it loads the config.
struct RunAs {
  std::string user;
  unsigned uid = 0;
  unsigned gid = 0;
  std::vector<unsigned> groups;  // supplementary groups
  bool operator==(const RunAs&) const = default;
};

struct Envelope {
  std::int64_t id = 0;
  std::string queue;
  std::string job_type;
  nlohmann::json payload;
  int attempt = 1;
  int max_attempts = 1;
  double timeout_s = 0;
  std::optional<CommandSpec> command;
  JobLimits limits;
  std::optional<RunAs> run_as;
};

class EnvelopeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `payload_json` is spliced in as it is (it comes from a jsonb column, so it is
// valid JSON), which spares parsing every payload in the daemon.
std::string format_envelope(const Envelope& envelope, std::string_view payload_json);
Envelope parse_envelope(std::string_view text);  // throws EnvelopeError

// The environment of a job (docs/SPEC.md §4), in two steps so the daemon filters its
// own environment once: `base` less every SPAWNQ_* and PG* variable (no
// database credentials leak to jobs)…
std::vector<std::string> job_base_environment(char** base);
// …plus the job's own variables, and SPAWNQ_PARENT_PID so the runner can
// tell whether its supervisor died before it started.
std::vector<std::string> job_environment(const std::vector<std::string>& base, std::int64_t job_id,
                                         const std::string& queue, const std::string& job_type,
                                         int attempt, long parent_pid);
// A command handler's environment: the job's, with the handler's `env:` put
// over it, name by name.
std::vector<std::string> command_environment(const std::vector<std::string>& job,
                                             const std::map<std::string, std::string>& extra);

struct ProgressLine {
  double fraction = 0;
  std::optional<std::string> message;
};

struct ResultLine {
  enum class Kind { success, retry, fail } kind = Kind::success;
  std::optional<std::string> error;
  std::optional<double> retry_after_s;
};

using ChildMessage = std::variant<ProgressLine, ResultLine>;

// One line from fd 3. Returns nullopt and says why in `error` for anything
// that is not one of the four shapes of docs/SPEC.md §4.
std::optional<ChildMessage> parse_child_message(std::string_view line, std::string& error);
std::string format_child_message(const ChildMessage& message);  // one line, with '\n'

}  // namespace spawnq
