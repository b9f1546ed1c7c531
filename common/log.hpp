// spdlog set-up shared by both programs: one line per event on stderr, with a
// UTC timestamp and the level, so journald and log shippers read it as is.
#pragma once

#include <string>

namespace spawnq {

// `level` is an spdlog level name (trace, debug, info, warn, error); unknown → info.
void init_logging(const std::string& program, const std::string& level = "info");

}  // namespace spawnq
