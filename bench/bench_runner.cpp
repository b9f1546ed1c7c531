// The runner bench/latency points the daemon at: job-runner's built-ins plus
// `stamp`, which notes the moment its handler starts, so that latency is
// measured by the job itself rather than by the daemon that started it.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "spawnq/runner.hpp"

int main(int argc, char** argv) {
  spawnq::Registry registry;
  spawnq::add_builtin_handlers(registry);

  // {"file": PATH} → appends "JOB_ID START_NS\n" (CLOCK_REALTIME) to PATH.
  registry.add("stamp", [](const spawnq::Job& job, spawnq::Context&) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    if (!job.payload.contains("file") || !job.payload["file"].is_string()) {
      throw spawnq::PermanentError("malformed payload: \"file\" must be a path");
    }
    const std::string path = job.payload["file"];
    char line[64];
    const int n = std::snprintf(line, sizeof line, "%lld %lld\n", static_cast<long long>(job.id),
                                static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec);
    // One O_APPEND write per job: lines from concurrent jobs never interleave.
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, line, static_cast<std::size_t>(n)) != n) {
      throw spawnq::PermanentError("cannot append to " + path);
    }
    ::close(fd);
  });

  return spawnq::run_main(argc, argv, registry);
}
