// Writing the lines of the result channel (fd 3, docs/SPEC.md §4) from inside a job.
#pragma once

#include "common/envelope.hpp"

namespace spawnq {

// Best effort: a job whose fd 3 is closed (run by hand) just loses the line.
void write_child_message(int fd, const ChildMessage& message);

}  // namespace spawnq
