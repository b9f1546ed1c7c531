#include "command_resolver.hpp"

#include <unistd.h>

#include <sstream>

namespace spawnq {
namespace {

std::optional<std::string> check_executable(const std::filesystem::path& path,
                                            std::string& why) {
  const std::filesystem::path candidate = path.lexically_normal();
  std::error_code ec;
  const auto status = std::filesystem::status(candidate, ec);
  if (ec || !std::filesystem::exists(status)) {
    why = "no such file: " + candidate.string();
  } else if (!std::filesystem::is_regular_file(status)) {
    why = "not a regular file: " + candidate.string();
  } else if (::access(candidate.c_str(), X_OK) != 0) {
    why = "not executable: " + candidate.string();
  } else {
    return candidate.string();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> resolve_executable(const std::string& program,
                                              const std::filesystem::path& base_dir,
                                              const std::string& path_env, std::string& why) {
  if (program.empty()) {
    why = "the program name is empty";
    return std::nullopt;
  }
  if (program.find('/') != std::string::npos) {
    const std::filesystem::path path(program);
    return check_executable(path.is_absolute() ? path : base_dir / path, why);
  }
  std::istringstream dirs(path_env);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;  // an empty PATH entry would mean the cwd: never trust it
    std::string ignored;
    if (auto found = check_executable(std::filesystem::path(dir) / program, ignored)) {
      return found;
    }
  }
  why = "'" + program + "' not found in PATH";
  return std::nullopt;
}

}  // namespace spawnq
