// spawn-limit: how many times per second this machine can posix_spawn a
// program and wait for it, from one or more spawner threads. This is the
// ceiling for any process-per-job design, and the figure bench/throughput
// compares spawnq against.
//
//   spawn-limit [--seconds=S] [--spawners=K] [--rounds=R] [--stdin=FILE] -- PROGRAM [ARGS…]
//
// It runs R rounds of S seconds and reports the median round, so that one
// noisy second on a shared machine does not make the figure.
// Each spawn gets FILE freshly opened as fd 0 (so a job-runner reads a whole
// envelope every time) and /dev/null as fds 1-3, and nothing else.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  double seconds = 3;
  int spawners = 1;
  int rounds = 3;
  std::string stdin_file = "/dev/null";
  std::vector<char*> argv;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr, "spawn-limit: %s\n", message);
  std::fprintf(stderr, "usage: spawn-limit [--seconds=S] [--spawners=K] [--rounds=R] [--stdin=FILE] -- PROGRAM [ARGS...]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    } else if (arg.rfind("--seconds=", 0) == 0) {
      options.seconds = std::atof(arg.c_str() + 10);
    } else if (arg.rfind("--spawners=", 0) == 0) {
      options.spawners = std::atoi(arg.c_str() + 11);
    } else if (arg.rfind("--rounds=", 0) == 0) {
      options.rounds = std::atoi(arg.c_str() + 9);
    } else if (arg.rfind("--stdin=", 0) == 0) {
      options.stdin_file = arg.substr(8);
    } else {
      usage(("unknown argument '" + arg + "'").c_str());
    }
  }
  if (i >= argc) usage("no program given");
  if (options.seconds <= 0 || options.spawners < 1 || options.rounds < 1) {
    usage("--seconds, --spawners and --rounds must be positive");
  }
  for (; i < argc; ++i) options.argv.push_back(argv[i]);
  options.argv.push_back(nullptr);
  return options;
}

// One spawn and its wait; false (with a message) if the program did not exit 0.
bool spawn_once(const Options& options, char** envp) {
  const int input = ::open(options.stdin_file.c_str(), O_RDONLY | O_CLOEXEC);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (input < 0 || null < 0) {
    std::perror("spawn-limit: open");
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input, 0);
  for (int fd = 1; fd <= 3; ++fd) posix_spawn_file_actions_adddup2(&actions, null, fd);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, options.argv[0], &actions, nullptr, options.argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  ::close(input);
  ::close(null);
  if (rc != 0) {
    std::fprintf(stderr, "spawn-limit: posix_spawn %s: %s\n", options.argv[0], std::strerror(rc));
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "spawn-limit: %s did not exit 0 (status %d)\n", options.argv[0], status);
    return false;
  }
  return true;
}

// One round: spawns/s over `seconds`, or a negative number if a spawn failed.
double round_rate(const Options& options, char** envp) {
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::atomic<long> spawned{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < options.spawners; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        if (!spawn_once(options, envp)) {
          failed = true;
          stop = true;
          return;
        }
        ++spawned;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return failed ? -1 : static_cast<double>(spawned.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  char* envp[] = {nullptr};
  std::vector<double> rates;
  for (int r = 0; r < options.rounds; ++r) {
    rates.push_back(round_rate(options, envp));
    if (rates.back() < 0) return 1;
  }
  std::sort(rates.begin(), rates.end());
  std::printf("spawn-limit: %s, %d spawner%s: median of %d rounds of %.0f s = %.0f spawns/s (rounds %.0f..%.0f)\n",
              options.argv[0], options.spawners, options.spawners == 1 ? "" : "s", options.rounds, options.seconds,
              rates[rates.size() / 2], rates.front(), rates.back());
  return 0;
}
