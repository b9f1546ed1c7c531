// Where the daemon finds job-runner when the config names none (docs/SPEC.md §1):
// beside the spawnq binary itself.
#pragma once

#include <string>

namespace spawnq {

std::string default_runner_path();

}  // namespace spawnq
