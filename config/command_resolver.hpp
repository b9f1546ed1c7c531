// Resolves the program of a handler command (or the runner) to an absolute
// path of an executable file, the way docs/SPEC.md §2 promises: a path with a slash
// resolves against the config file's folder, a bare name is looked up in PATH.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace spawnq {

// Returns the resolved path, or an explanation of why there is none
// (in `why`) such as "no such file" or "not executable".
std::optional<std::string> resolve_executable(const std::string& program,
                                              const std::filesystem::path& base_dir,
                                              const std::string& path_env, std::string& why);

}  // namespace spawnq
