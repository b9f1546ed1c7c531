#include "outcome.hpp"

#include <cmath>
#include <csignal>
#include <cstring>

#include "backoff.hpp"

namespace spawnq {
namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(static_cast<double>(ms) / 1000.0) + "s";
}

// The error, and what the job's cgroup says it ran into.
std::string with_limit(const AttemptFacts& facts, std::string error) {
  if (facts.limit_hit) error += " (" + *facts.limit_hit + ")";
  return error;
}

Decision retry(const AttemptFacts& facts, const std::vector<std::chrono::milliseconds>& backoff,
               AttemptOutcome outcome, std::string error,
               std::optional<std::chrono::milliseconds> retry_after) {
  Decision d;
  d.outcome = outcome;
  d.error = with_limit(facts, std::move(error));
  if (facts.attempt >= facts.max_attempts) {
    d.next = JobStatus::dead;
    *d.error += " (attempt " + std::to_string(facts.attempt) + " of " +
                std::to_string(facts.max_attempts) + ", no attempts left)";
  } else {
    d.next = JobStatus::retry_wait;
    d.delay = backoff_delay(backoff, facts.attempt, retry_after);
  }
  return d;
}

}  // namespace

std::string describe_exit(const ExitStatus& exit) {
  if (!exit.signaled) return "exited with code " + std::to_string(exit.value);
  const char* abbrev = sigabbrev_np(exit.value);
  std::string text = "killed by signal " + std::to_string(exit.value) +
                     (abbrev ? std::string(" (SIG") + abbrev + ")" : std::string());
  // The signals the kernel sends for a resource limit name it.
  if (exit.value == SIGXCPU) text += ": the job's cpu_time limit was exceeded";
  if (exit.value == SIGXFSZ) text += ": a file size limit was exceeded";
  return text;
}

Decision decide_outcome(const AttemptFacts& facts,
                        const std::vector<std::chrono::milliseconds>& backoff) {
  if (facts.cancelled) {
    return Decision{JobStatus::cancelled, AttemptOutcome::cancelled, std::chrono::milliseconds(0),
                    "cancelled while running (" + describe_exit(facts.exit) + ")"};
  }
  if (facts.interrupted) {
    // A shutdown is no fault of the job: back to the queue at once, and the
    // attempt it was on does not exhaust it.
    return Decision{JobStatus::retry_wait, AttemptOutcome::retry, std::chrono::milliseconds(0),
                    "interrupted by daemon shutdown (" + describe_exit(facts.exit) + ")"};
  }
  if (facts.timed_out) {
    return retry(facts, backoff, AttemptOutcome::timeout,
                 "timed out after " + seconds_text(facts.timeout), std::nullopt);
  }
  if (facts.result) {
    const ResultLine& r = *facts.result;
    switch (r.kind) {
      case ResultLine::Kind::success:
        return Decision{JobStatus::done, AttemptOutcome::success, {}, std::nullopt};
      case ResultLine::Kind::fail:
        return Decision{JobStatus::failed, AttemptOutcome::fail, {},
                        with_limit(facts, r.error.value_or("failed (" + describe_exit(facts.exit) + ")"))};
      case ResultLine::Kind::retry: {
        std::optional<std::chrono::milliseconds> after;
        if (r.retry_after_s) {
          after = std::chrono::milliseconds(std::llround(*r.retry_after_s * 1000.0));
        }
        return retry(facts, backoff, AttemptOutcome::retry,
                     r.error.value_or("asked to retry (" + describe_exit(facts.exit) + ")"), after);
      }
    }
  }
  if (!facts.exit.signaled && facts.exit.value == 0) {
    return Decision{JobStatus::done, AttemptOutcome::success, {}, std::nullopt};
  }
  if (!facts.exit.signaled && facts.exit.value == kExitDataErr) {
    return Decision{JobStatus::failed, AttemptOutcome::fail, {}, with_limit(facts, describe_exit(facts.exit))};
  }
  return retry(facts, backoff, AttemptOutcome::retry, describe_exit(facts.exit), std::nullopt);
}

}  // namespace spawnq
