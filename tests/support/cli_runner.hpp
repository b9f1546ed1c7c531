// Runs the real `spawnq` binary as a user would, and captures what it did:
// exit code, stdout and stderr. Uses Boost.Process (fine in tests; the
// supervisor itself never does). The child runs in a fresh empty folder with
// no SPAWNQ_* variables, so only the flags and env given here count.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace spawnq::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliResult run_spawnq(const std::vector<std::string>& args, const std::string& stdin_text = "",
                     const std::map<std::string, std::string>& env = {});

// Any other program, the same way: a producer in another language, say.
CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {}, const std::string& stdin_text = "");

}  // namespace spawnq::test
