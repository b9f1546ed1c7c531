#include "support/harness_script.hpp"

#include <cstdlib>
#include <stdexcept>

namespace spawnq::test {

void run_harness_script(const std::string& command, const std::vector<std::string>& libraries) {
  std::string script = "set -e;";
  for (const std::string& library : libraries) {
    script += " source '" + std::string(SPAWNQ_SOURCE_DIR) + "/scripts/lib/" + library + "';";
  }
  script += " " + command;
  // The scripts quote with single quotes; the outer double quotes hold them.
  if (std::system(("bash -c \"" + script + "\"").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace spawnq::test
