// A command handler exec'd by the daemon's child in the runner's place
// (daemon/cgroups/cgroup_spawn.hpp): one exec, and everything job-runner
// would have done first, said in the runner's words when it fails.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/envelope.hpp"
#include "common/resource_limits.hpp"
#include "daemon/cgroups/cgroup_spawn.hpp"
#include "daemon/process/child_process.hpp"

using namespace spawnq;
using namespace std::chrono_literals;

namespace {

struct Command {
  std::filesystem::path folder = std::filesystem::temp_directory_path() /
                                 ("spawnq-direct-" + std::to_string(::getpid()));
  std::string path = (folder / "handler.sh").string();
  explicit Command(const std::string& body) {
    std::filesystem::create_directories(folder);
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
  }
  ~Command() { std::filesystem::remove_all(folder); }
};

// Runs `command` as a job's command handler to its end (10 s at most).
std::optional<ChildProcess::Exit> run_command(DirectCommand command) {
  boost::asio::io_context loop;
  std::optional<ChildProcess::Exit> exit;
  auto child = ChildProcess::create(loop, ChildProcess::Callbacks{[](std::string_view) {}, [](const ProgressLine&) {},
                                                                  [](std::string_view, const std::string&) {},
                                                                  [&](const ChildProcess::Exit& e) {
                                                                    exit = e;
                                                                    loop.stop();
                                                                  }});
  // The runner named here must never run: the command takes its place.
  ChildProcess::Options options{"/nonexistent/job-runner", 7, "{}", {"PATH=/usr/bin:/bin", "A=job"}, 10s, 1s, {}};
  command.setup.parent = ::getpid();
  options.command = std::move(command);
  child->spawn(std::move(options));
  loop.run_for(10s);
  return exit;
}

// False, with a warning, where this build has the runner exec commands (job_runner_test checks that path).
bool built_here() {
  std::string why;
  if (can_spawn_detached(why)) return true;
  WARN(why);
  return false;
}

}  // namespace

TEST_CASE("core: a command handler is exec'd in the runner's place, with its payload, folder and limits") {
  if (!built_here()) return;
  Command command("echo \"ppid=$PPID dir=$(pwd) a=$A\"; echo \"stdin=$(cat)\"; ulimit -n; ulimit -c");
  JobLimits limits;
  limits.open_files = 77;
  DirectCommand direct{{command.path}, R"({"n": 1})", CommandSetup{resource_limits(limits), std::nullopt,
                                                                     command.folder.string(), 0}};
  const auto exit = run_command(direct);
  REQUIRE(exit.has_value());
  INFO(exit->output_tail);
  CHECK(exit->status.value == 0);
  // Its own parent is us; the runner named in the options does not exist, so it cannot have run.
  CHECK(exit->output_tail == "ppid=" + std::to_string(::getpid()) + " dir=" + command.folder.string() +
                                 " a=job\nstdin={\"n\": 1}\n77\n0\n");  // open_files, and no core dumps
}

TEST_CASE("core: a command handler run as another user gets that user's ids and no new privileges") {
  if (!built_here()) return;
  if (::geteuid() != 0) {
    WARN("only root may switch users: not checked");
    return;
  }
  Command command("grep -E '^(Uid|Gid|Groups|NoNewPrivs):' /proc/$$/status");
  ::chmod(command.folder.c_str(), 0755);
  DirectCommand direct{{command.path}, "{}", CommandSetup{{}, RunAs{"nobody", 65534, 65534, {65534}}, "", 0}};
  const auto exit = run_command(direct);
  REQUIRE(exit.has_value());
  INFO(exit->output_tail);
  CHECK(exit->status.value == 0);
  CHECK_THAT(exit->output_tail, Catch::Contains("Uid:\t65534\t65534\t65534\t65534"));
  CHECK_THAT(exit->output_tail, Catch::Contains("Gid:\t65534\t65534\t65534\t65534"));
  CHECK_THAT(exit->output_tail, Catch::Contains("Groups:\t65534"));
  CHECK_THAT(exit->output_tail, Catch::Contains("NoNewPrivs:\t1"));
}

TEST_CASE("core: a command that cannot be set up or exec'd says so as job-runner would, and the outcome follows") {
  if (!built_here()) return;
  Command command("exit 0");
  struct Case {
    const char* what;
    DirectCommand direct;
    ResultLine::Kind kind;
    int exit_code;
    std::string error;
  };
  JobLimits too_many_files;
  too_many_files.open_files = std::uint64_t{1} << 40;  // past fs.nr_open: refused even to root
  const std::vector<Case> cases{
      {"a program gone since the config loaded", DirectCommand{{"/nonexistent/handler"}, "{}", CommandSetup{}},
       ResultLine::Kind::retry, kExitTempFail, "cannot run /nonexistent/handler: No such file or directory"},
      {"a working folder gone", DirectCommand{{command.path}, "{}", CommandSetup{{}, std::nullopt, "/nonexistent/dir", 0}},
       ResultLine::Kind::retry, kExitTempFail, "cannot enter /nonexistent/dir: No such file or directory"},
      {"a limit the kernel refuses",
       DirectCommand{{command.path}, "{}", CommandSetup{resource_limits(too_many_files), std::nullopt, "", 0}},
       ResultLine::Kind::fail, kExitDataErr,
       "cannot apply the job's limits: setrlimit(RLIMIT_NOFILE): Operation not permitted"},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      const auto exit = run_command(c.direct);
      REQUIRE(exit.has_value());
      INFO(exit->output_tail);
      CHECK_FALSE(exit->status.signaled);
      CHECK(exit->status.value == c.exit_code);
      REQUIRE(exit->result.has_value());
      CHECK(exit->result->kind == c.kind);
      CHECK(exit->result->error == c.error);
      CHECK(exit->output_tail == "spawnq: " + c.error + "\n");
    }
  }
}
