// The job-runner's production path (`--job-id=N --supervised`): read the
// envelope from stdin, resolve the handler, run it, report on fd 3, and exit
// with the code of docs/SPEC.md §4. Never touches the database or a config file.
#pragma once

#include <cstdint>

#include "spawnq/runner.hpp"

namespace spawnq {

int run_supervised(std::int64_t job_id, const Registry& registry);

}  // namespace spawnq
