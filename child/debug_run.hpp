// `job-runner --job-id=N [--config=PATH] [--commit]`: a person debugging one
// job. The row comes from the database through `spawnq envelope` (the runner
// links no database library); the job runs in a supervised job-runner child
// with its output on this terminal, exactly as under the daemon; `spawnq
// record` prints the outcome it would record, and writes it only with --commit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace spawnq {

int run_debug(std::int64_t job_id, const std::optional<std::string>& config, bool commit,
              const char* argv0);

}  // namespace spawnq
