// The daemon under a service manager, without one: a datagram socket plays
// systemd's NOTIFY_SOCKET and records what the daemon says, in order.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

class NotifySocket {
 public:
  NotifySocket() {
    path_ = "/tmp/spawnq-notify-" + std::to_string(::getpid()) + ".sock";
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path_.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~NotifySocket() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // Every datagram received so far, appended to `seen`.
  void drain(std::vector<std::string>& seen) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) seen.emplace_back(buffer, static_cast<std::size_t>(n));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::size_t first(const std::vector<std::string>& messages, const std::string& needle) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].find(needle) != std::string::npos) return i;
  }
  return messages.size();
}

}  // namespace

TEST_CASE("daemon: under systemd it says READY=1, pings the watchdog, then says STOPPING=1") {
  TestDatabase db;
  NotifySocket socket;
  std::vector<std::string> seen;
  DaemonProcess daemon(db.url(), "queues: [default]\n", {"work-all"},
                       {{"NOTIFY_SOCKET", socket.path()}, {"WATCHDOG_USEC", "400000"}});
  REQUIRE(wait_until([&] { socket.drain(seen); return first(seen, "READY=1") < seen.size(); }, 10s));
  // Half of 400ms: several pings within a second.
  REQUIRE(wait_until([&] {
    socket.drain(seen);
    return std::count_if(seen.begin(), seen.end(), [](const std::string& m) { return m == "WATCHDOG=1"; }) >= 3;
  }, 5s));
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit(10s) == 0);
  socket.drain(seen);
  const std::size_t ready = first(seen, "READY=1");
  const std::size_t stopping = first(seen, "STOPPING=1");
  CHECK(ready < stopping);
  CHECK(stopping < seen.size());
  CHECK(seen[ready].find("STATUS=serving 1 queue(s)") != std::string::npos);
}

TEST_CASE("daemon: without systemd it sends nothing and runs as usual") {
  TestDatabase db;
  DaemonProcess daemon(db.url(), "queues: [default]\n", {"work-all"}, {{"NOTIFY_SOCKET", ""}});
  REQUIRE(wait_until([&] { return daemon.log().find("registered") != std::string::npos; }, 10s));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit(10s) == 0);
}
