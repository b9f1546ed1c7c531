// --show=tui as a person sees it: the daemon in a real terminal (tmux), keys
// sent, the screen captured.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// A tmux server of the test's own (its own socket), one window 120×30.
class Terminal {
 public:
  explicit Terminal(const std::string& script) : socket_("spawnq-test-" + std::to_string(::getpid())) {
    tmux("new-session -d -s dash -x 120 -y 30 'sh " + script + "'");
  }
  ~Terminal() { tmux("kill-server"); }
  std::string screen() const {
    std::string text;
    FILE* pipe = ::popen(("tmux -L " + socket_ + " capture-pane -p -t dash 2>/dev/null").c_str(), "r");
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
    ::pclose(pipe);
    return text;
  }
  void keys(const std::string& keys) const { tmux("send-keys -t dash " + keys); }
  bool alive() const { return tmux("has-session -t dash") == 0; }

 private:
  int tmux(const std::string& args) const {
    return std::system(("tmux -L " + socket_ + " " + args + " >/dev/null 2>&1").c_str());
  }
  std::string socket_;
};

}  // namespace

TEST_CASE("tui: the dashboard shows the queues and a running job, and q drains and quits") {
  TestDatabase db;
  char pattern[] = "/tmp/spawnq-tui.XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  std::ofstream(dir + "/spawnq.yaml") << "queues:\n  default: { max_workers: 2 }\n  emails: { max_workers: 4 }\n";
  std::ofstream(dir + "/run.sh") << "SPAWNQ_DATABASE_URL=\"" << db.url() << "\" exec '" << SPAWNQ_BIN
                                 << "' --config '" << dir << "/spawnq.yaml' work-all --show=tui\n";
  Terminal terminal(dir + "/run.sh");
  REQUIRE(wait_until([&] { return terminal.screen().find("emails") != std::string::npos; }, 10s));

  auto conn = db.connect();
  JobStore store(*conn);
  const JobId id = enqueue(store, "sleep", R"({"seconds": 3})");
  const std::string row = std::to_string(id) + " sleep";
  REQUIRE(wait_until([&] { return terminal.screen().find(row) != std::string::npos; }, 10s));
  const std::string screen = terminal.screen();
  CHECK_THAT(screen, Contains("default"));
  CHECK_THAT(screen, Contains("1/2"));  // running/max of default
  CHECK_THAT(screen, Contains("Running in default"));

  terminal.keys("Tab");
  CHECK(wait_until([&] { return terminal.screen().find("Running in emails") != std::string::npos; }, 5s));
  terminal.keys("q");
  // A graceful drain: the running job finishes, then the daemon exits.
  CHECK(wait_until([&] { return !terminal.alive(); }, 15s));
  CHECK(db.status_of(id) == "done");
  CHECK(db.value("SELECT count(*) FROM spawnq.workers") == "0");
  std::filesystem::remove_all(dir);
}

TEST_CASE("tui: without a terminal it warns and shows log lines instead") {
  TestDatabase db;
  DaemonProcess daemon(db.url(), "queues: [default]\n", {"work-all", "--show=tui"});
  REQUIRE(wait_until([&] { return daemon.log().find("registered") != std::string::npos; }, 10s));
  CHECK_THAT(daemon.log(), Contains("warning: --show=tui needs a terminal on stdout; showing log lines instead"));
}
