// Per-job cgroups (issue 7), with real processes and the host's real cgroup
// v2 hierarchy: what a job started dies with it even when it left the job's
// process group with setsid, on a timeout and on a normal end, and even after
// the daemon itself was killed with SIGKILL. Where this host has no writable
// cgroup v2 folder these tests can only say so.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "daemon/cgroups/cgroup_location.hpp"
#include "fault_harness.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// Exited, whether reaped yet or not.
bool gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

// The pids that "escape" jobs left outside their process group.
std::map<JobId, pid_t> escapers(const FaultHarness& h) {
  std::map<JobId, pid_t> pids;
  const std::string effects = h.effects();
  const std::regex line("escaper (\\d+) (\\d+)");
  for (std::sregex_iterator it(effects.begin(), effects.end(), line), end; it != end; ++it) {
    pids[std::stoll((*it)[1].str())] = std::stoi((*it)[2].str());
  }
  return pids;
}

// Job cgroups of the daemon's folder that still hold a process.
std::size_t busy_slots(const std::string& folder) {
  std::size_t count = 0;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ignored)) {
    if (entry.path().filename().string().rfind("slot-", 0) != 0) continue;
    if (read_kernel_file(entry.path().string() + "/cgroup.events").find("populated 1") != std::string::npos) ++count;
  }
  return count;
}

std::string usable_base() {
  const CgroupLocation where = locate_cgroup_base(std::nullopt);
  if (where.base.empty()) WARN("no writable cgroup v2 folder here (" << where.why << "): not testable");
  return where.base;
}

}  // namespace

TEST_CASE("cgroups: a setsid escaper dies with its job, on a timeout and on a normal end, and job cgroups are emptied") {
  const std::string base = usable_base();
  if (base.empty()) return;
  TestDatabase db;
  FaultHarness h(db.url());
  const auto ends = h.add_effects(2, R"({"escape": true})");
  const auto hangs = h.add_effects(1, R"({"escape": true, "seconds": 60, "show_cgroup": true})");
  auto daemon = h.daemon("default: { max_workers: 3, timeout: 1s, max_attempts: 1 }");
  const std::string folder = base + "/spawnq-" + std::to_string(daemon->pid());
  REQUIRE(h.all_terminal(20s));
  CHECK_THAT(daemon->log(), Contains("cgroups: per-job cgroups under " + folder));
  CHECK(h.value("SELECT string_agg(status::text, ',' ORDER BY id) FROM spawnq.jobs") == "done,done,dead");
  // Born in its own cgroup: the runner that became the handler.
  const std::string mount = cgroup2_mount(read_kernel_file("/proc/self/mountinfo")).value_or("?");
  CHECK_THAT(h.effects(), Contains("cgroup " + std::to_string(hangs[0]) + " " + folder.substr(mount.size()) +
                                   "/slot-"));
  const auto pids = escapers(h);
  REQUIRE(pids.size() == 3);
  for (const auto& [job, pid] : pids) {
    INFO("job " << job << " escaper pid " << pid);
    CHECK(wait_until([&, pid = pid] { return gone(pid); }, 5s));
  }
  CHECK(wait_until([&] { return busy_slots(folder) == 0; }, 5s));
  daemon->signal(SIGTERM);
  REQUIRE(daemon->wait_exit(10s) == 0);
  CHECK_FALSE(std::filesystem::exists(folder));
}

TEST_CASE("cgroups: a slot is handed to the next job once empty, so one worker uses one cgroup") {
  const std::string base = usable_base();
  if (base.empty()) return;
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(5, R"({"show_cgroup": true})");
  auto daemon = h.daemon("default: { max_workers: 1 }");
  const std::string folder = base + "/spawnq-" + std::to_string(daemon->pid());
  REQUIRE(h.all_terminal(20s));
  INFO(h.value("SELECT string_agg(status || ':' || coalesce(last_error, ''), ' | ') FROM spawnq.jobs"));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "5");
  std::size_t slots = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().rfind("slot-", 0) == 0) ++slots;
  }
  CHECK(slots == 1);
  const std::string effects = h.effects();
  const std::regex line("cgroup \\d+ (\\S+)");
  std::set<std::string> seen;
  for (std::sregex_iterator it(effects.begin(), effects.end(), line), end; it != end; ++it) seen.insert((*it)[1]);
  CHECK(seen.size() == 1);
}

TEST_CASE("cgroups: what the jobs of a daemon killed with SIGKILL left running is ended by the next daemon") {
  const std::string base = usable_base();
  if (base.empty()) return;
  TestDatabase db;
  FaultHarness h(db.url());
  h.add_effects(1, R"({"escape": true, "seconds": 60})");
  auto first = h.daemon("default: { max_workers: 1 }");
  REQUIRE(wait_until([&] { return escapers(h).size() == 1; }, 10s));
  const pid_t escaper = escapers(h).begin()->second;
  const std::string folder = base + "/spawnq-" + std::to_string(first->pid());
  first->signal(SIGKILL);
  REQUIRE(first->wait_exit(5s).has_value());
  // The runner died with its daemon (parent-death signal); the escaper did not.
  std::this_thread::sleep_for(200ms);
  REQUIRE_FALSE(gone(escaper));
  auto second = h.daemon("default: { max_workers: 1 }");
  CHECK(wait_until([&] { return gone(escaper); }, 10s));
  CHECK(wait_until([&] { return !std::filesystem::exists(folder); }, 5s));
  CHECK_THAT(second->log(), Contains("of daemon pid " + std::to_string(first->pid()) + ", which is gone"));
}

TEST_CASE("cgroups: mode off creates none, and required refuses to start where they cannot be made") {
  TestDatabase db;
  FaultHarness h(db.url());
  {
    auto daemon = h.daemon("default: { max_workers: 1 }", {{"cgroups", "{ mode: off }"}});
    const auto ids = h.add_effects(1);
    REQUIRE(h.all_terminal(20s));
    CHECK_THAT(daemon->log(), Contains("cgroups: off (cgroups.mode); job limits use setrlimit"));
  }
  const std::string plain = std::filesystem::temp_directory_path() / ("spawnq-not-a-cgroup-" + std::to_string(::getpid()));
  std::filesystem::create_directories(plain);
  {
    auto daemon = h.daemon("default: { max_workers: 1 }", {{"cgroups", "{ mode: auto, root: " + plain + " }"}});
    h.add_effects(1);
    REQUIRE(h.all_terminal(20s));
    CHECK_THAT(daemon->log(), Contains("cgroups: per-job cgroups unavailable (" + plain +
                                       " is not a folder of a cgroup v2 hierarchy); job limits use setrlimit"));
  }
  auto refused = h.daemon("default: { max_workers: 1 }", {{"cgroups", "{ mode: required, root: " + plain + " }"}});
  CHECK(refused->wait_exit(10s) == 1);
  CHECK_THAT(refused->log(), Contains("cgroups: mode is required, but per-job cgroups are unavailable: " + plain +
                                      " is not a folder of a cgroup v2 hierarchy"));
  std::filesystem::remove_all(plain);
}
