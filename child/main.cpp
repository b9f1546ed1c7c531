// job-runner: the child that runs exactly one job (SPEC §1.2). It links no
// database or TLS library and is linked statically, because every job pays
// for its start-up. For now it only reports its version; running jobs comes
// with the daemon.
#include <cstdio>
#include <cstring>

#include "spawnq/version.hpp"

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("job-runner %s\n", spawnq::kVersion);
    return 0;
  }
  std::fprintf(stderr, "job-runner: usage: job-runner --version (running jobs arrives with the daemon)\n");
  return 2;
}
