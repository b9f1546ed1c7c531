// job-runner's command line (docs/SPEC.md §1.2), parsed by hand: four flags do not
// justify a library in a program whose start-up every job pays for.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "debug_run.hpp"
#include "spawnq/runner.hpp"
#include "spawnq/version.hpp"
#include "supervised_run.hpp"

namespace spawnq {
namespace {

constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: job-runner --job-id=N --supervised      (run by the spawnq daemon)\n"
    "       job-runner --job-id=N [--config=PATH] [--commit]\n"
    "              run one job in the foreground; changes nothing unless --commit\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "job-runner: %s (see job-runner --help)\n", message.c_str());
  return kExitUsage;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id > 0 ? std::optional(id) : std::nullopt;
}

}  // namespace

int run_main(int argc, char** argv, const Registry& registry) {
  std::optional<std::int64_t> job_id;
  std::optional<std::string> config;
  bool supervised = false;
  bool commit = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--version") {
      std::printf("job-runner %s\n", kVersion);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg.starts_with("--job-id=")) {
      job_id = parse_id(arg.substr(9));
      if (!job_id) return usage_error("--job-id: must be a positive integer, got '" + std::string(arg.substr(9)) + "'");
    } else if (arg == "--supervised") {
      supervised = true;
    } else if (arg == "--commit") {
      commit = true;
    } else if (arg.starts_with("--config=")) {
      config = std::string(arg.substr(9));
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!job_id) return usage_error("--job-id=N is required");
  if (supervised) {
    if (commit || config) return usage_error("--supervised takes no --config or --commit");
    return run_supervised(*job_id, registry);
  }
  return run_debug(*job_id, config, commit, argv[0]);
}

}  // namespace spawnq
