// The two kinds of failure every spawnq command reports, and so the exit codes
// of docs/SPEC.md §1.1: a UsageError (bad flag, bad config, bad input: exit 2) and a
// RuntimeFailure (database unreachable, job not found: exit 1). Thrown inside a
// process and caught in one place, main(), which prints the one-line message.
#pragma once

#include <stdexcept>
#include <string>

namespace spawnq {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

}  // namespace spawnq
