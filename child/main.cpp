// job-runner: the child that runs exactly one job (docs/SPEC.md §1.2), with the
// built-in handlers. A custom runner is this file with more handlers
// registered (see examples/custom_runner/).
#include "spawnq/runner.hpp"

int main(int argc, char** argv) {
  spawnq::Registry registry;
  spawnq::add_builtin_handlers(registry);
  return spawnq::run_main(argc, argv, registry);
}
