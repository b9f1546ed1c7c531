// The handlers every job-runner has (docs/SPEC.md §4): useful for smoke tests,
// benchmarks and for checking a deployment end to end.
#include <time.h>

#include <cmath>
#include <cstdio>

#include "spawnq/runner.hpp"

namespace spawnq {
namespace {

void sleep_for_seconds(double seconds) {
  timespec remaining{static_cast<time_t>(seconds),
                     static_cast<long>(std::fmod(seconds, 1.0) * 1e9)};
  while (::nanosleep(&remaining, &remaining) != 0) {
  }
}

}  // namespace

void add_builtin_handlers(Registry& registry) {
  registry.add("noop", [](const Job&, Context&) {});
  registry.add("sleep", [](const Job& job, Context&) {
    const auto seconds = job.payload.find("seconds");
    if (seconds == job.payload.end() || !seconds->is_number() || seconds->get<double>() < 0 ||
        !std::isfinite(seconds->get<double>())) {
      throw PermanentError("malformed payload: \"seconds\" must be a number ≥ 0");
    }
    sleep_for_seconds(seconds->get<double>());
  });
  registry.add("echo", [](const Job& job, Context&) {
    std::printf("%s\n", job.payload.dump().c_str());
    std::fflush(stdout);
  });
  registry.add("fail", [](const Job& job, Context&) {
    const auto retryable = job.payload.find("retryable");
    if (retryable != job.payload.end() && !retryable->is_boolean()) {
      throw PermanentError("malformed payload: \"retryable\" must be true or false");
    }
    const std::string message = job.payload.value("message", std::string("failed on purpose"));
    if (retryable != job.payload.end() && retryable->get<bool>()) throw RetryableError(message);
    throw PermanentError(message);
  });
}

}  // namespace spawnq
