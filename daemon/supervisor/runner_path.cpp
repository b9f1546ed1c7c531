#include "runner_path.hpp"

#include <filesystem>

namespace spawnq {

std::string default_runner_path() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "job-runner";
  return (self.parent_path() / "job-runner").string();
}

}  // namespace spawnq
