#include "supervised_run.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "command_handler.hpp"
#include "job_limits.hpp"
#include "process_io.hpp"
#include "common/outcome.hpp"
#include "result_channel.hpp"

namespace spawnq {
namespace {

constexpr int kExitSoftware = 70;  // EX_SOFTWARE: the supervisor is gone

int report(const ResultLine& result, int exit_code) {
  if (result.error) std::fprintf(stderr, "job-runner: %s\n", result.error->c_str());
  write_child_message(kResultFd, result);
  return exit_code;
}

int fail(std::string message) {
  return report(ResultLine{ResultLine::Kind::fail, std::move(message), std::nullopt}, kExitDataErr);
}

int retry(std::string message, std::optional<double> after = std::nullopt) {
  return report(ResultLine{ResultLine::Kind::retry, std::move(message), after}, kExitTempFail);
}

// Dies with the daemon, even if the daemon died before we got here: the
// parent-death signal only covers deaths after it is set. A change of user
// clears it, so this comes after drop_privileges.
bool tie_to_parent() {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const char* expected = std::getenv("SPAWNQ_PARENT_PID");
  return !expected || std::atol(expected) == static_cast<long>(::getppid());
}

int run_handler(const Handler& handler, const Envelope& envelope) {
  Job job{envelope.id,      envelope.queue,        envelope.job_type, envelope.payload,
          envelope.attempt, envelope.max_attempts, envelope.timeout_s};
  Context context(kResultFd);
  try {
    handler(job, context);
  } catch (const PermanentError& e) {
    return fail(e.what());
  } catch (const std::bad_alloc&) {
    if (envelope.limits.memory_bytes) {
      return retry("out of memory: the job's memory limit (" + format_size(*envelope.limits.memory_bytes) +
                   ") was reached");
    }
    return retry("out of memory");
  } catch (const RetryableError& e) {
    std::optional<double> after;
    if (e.retry_after()) after = static_cast<double>(e.retry_after()->count());
    return retry(e.what(), after);
  } catch (const std::exception& e) {
    return retry(e.what());
  } catch (...) {
    return retry("the handler threw something that is not a std::exception");
  }
  std::fflush(stdout);
  write_child_message(kResultFd, ResultLine{ResultLine::Kind::success, std::nullopt, std::nullopt});
  return 0;
}

}  // namespace

int run_supervised(std::int64_t job_id, const Registry& registry) {
  // read(2) rather than iostreams: every job pays for this program's start-up.
  const std::string text = read_all(0);
  Envelope envelope;
  try {
    envelope = parse_envelope(text);
  } catch (const EnvelopeError& e) {
    return fail(std::string("malformed job: ") + e.what());
  }
  if (envelope.id != job_id) {
    return fail("envelope is for job " + std::to_string(envelope.id) + ", not " + std::to_string(job_id));
  }
  if (!envelope.payload.is_object()) {
    return fail(std::string("malformed payload: must be a JSON object, got ") + envelope.payload.type_name());
  }
  if (std::string error = apply_limits(envelope.limits); !error.empty()) {
    return fail("cannot apply the job's limits: " + error);
  }
  if (envelope.run_as) {
    if (std::string error = drop_privileges(*envelope.run_as); !error.empty()) return fail(error);
  }
  if (!tie_to_parent()) return kExitSoftware;
  if (envelope.command) {
    // Only returns if the exec failed; a deploy in progress may fix that, so retry.
    return retry(exec_command(*envelope.command, envelope.payload.dump()));
  }
  const Handler* handler = registry.find(envelope.job_type);
  if (!handler) return fail("unknown job type '" + envelope.job_type + "'");
  return run_handler(*handler, envelope);
}

}  // namespace spawnq
