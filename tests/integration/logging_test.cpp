// The daemon's log as operators configure it: JSON lines in a file that
// SIGHUP reopens after logrotate moved it away.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("logs: JSON lines in log_file, reopened on SIGHUP after a rotation") {
  TestDatabase db;
  char pattern[] = "/tmp/spawnq-logs.XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string file = dir + "/spawnq.log";
  DaemonProcess daemon(db.url(), "log_format: json\nlog_file: " + file + "\nqueues: [default]\n");
  REQUIRE(wait_until([&] { return read(file).find("registered") != std::string::npos; }, 10s));

  auto conn = db.connect();
  JobStore store(*conn);
  EnqueueRequest noop;
  noop.job_type = "noop";
  const JobId id = store.jobs().enqueue(noop);
  REQUIRE(wait_until([&] { return read(file).find("→ done") != std::string::npos; }, 10s));
  bool saw_job_fields = false;
  std::istringstream lines(read(file));
  for (std::string line; std::getline(lines, line);) {
    const auto event = nlohmann::json::parse(line);  // every line is one JSON object
    CHECK(event.contains("ts"));
    CHECK(event.contains("level"));
    if (event.value("job", 0LL) == id && event["queue"] == "default") saw_job_fields = true;
  }
  CHECK(saw_job_fields);
  CHECK(daemon.log().empty());  // nothing on stderr

  REQUIRE(std::rename(file.c_str(), (file + ".1").c_str()) == 0);
  daemon.signal(SIGHUP);
  REQUIRE(wait_until([&] { return read(file).find("log file reopened") != std::string::npos; }, 5s));
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit(10s) == 0);
  CHECK(read(file).find("stopped") != std::string::npos);
  CHECK(read(file + ".1").find("stopped") == std::string::npos);
  std::remove((file + ".1").c_str());
  std::remove(file.c_str());
  ::rmdir(dir.c_str());
}
