// Writes a Config back out as YAML in the shape of docs/SPEC.md §2, with every default
// filled in: what `spawnq check-config` prints. Loading the output gives the
// same Config again (passwords in the database URL are shown as ***).
#pragma once

#include <string>

#include "config.hpp"

namespace spawnq {

std::string to_yaml(const Config& config);

}  // namespace spawnq
