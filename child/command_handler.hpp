// Runs an external command handler in this very process (no second fork):
// the payload becomes stdin, the handler's env is added, the working folder
// entered, and the program exec'd. The parent-death signal set earlier
// survives the exec, so the command still dies with the daemon.
#pragma once

#include <string>

#include "common/envelope.hpp"

namespace spawnq {

// Returns only on failure, with the reason.
std::string exec_command(const CommandSpec& command, const std::string& payload_json);

}  // namespace spawnq
