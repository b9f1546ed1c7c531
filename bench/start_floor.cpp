// start-floor: the least an idle worker can take between an enqueue's commit
// and a job in hand, with no process started and no thread handed to: one
// thread waits on its LISTEN connection and, the moment the NOTIFY arrives,
// claims on a second connection with the daemon's own claim. A second thread
// enqueues one job every GAP ms. Prints p50/p99 of commit → NOTIFY received
// and of commit → claim returned (its commit included): the part of
// bench/latency that no process-per-job design, nor an in-process one, can
// skip. And what a process started before its job could save: a standby,
// exec'd ahead and blocked on a pipe, is handed each claimed job's id and
// notes when it woke (-> standby woke): the floor plus one hand-over.
//
//   start-floor --database-url=URL [--jobs=N] [--gap-ms=MS]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include "common/connection.hpp"
#include "common/job_store.hpp"
#include "common/unique_fd.hpp"
#include "percentile.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// The wait for a NOTIFY is what is measured; its payload is of no interest.
class Silent : public pqxx::notification_receiver {
 public:
  using pqxx::notification_receiver::notification_receiver;
  void operator()(const std::string&, int) override {}
};

// A standby process: this program exec'd as `start-floor --standby`, which
// blocks until a job id arrives on its stdin and then writes the steady
// clock's reading (CLOCK_MONOTONIC, the same in every process) to stdout.
struct Standby {
  pid_t pid = -1;
  spawnq::UniqueFd hand;  // its stdin
  spawnq::UniqueFd woke;  // its stdout
};

// The pipes are close-on-exec and above fd 3, so the standby keeps only the
// two it is given.
Standby start_standby(const char* self) {
  spawnq::PipeFds in = spawnq::make_pipe();
  spawnq::PipeFds out = spawnq::make_pipe();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in.read.get(), 0);
    ::dup2(out.write.get(), 1);
    ::execl(self, self, "--standby", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return {pid, std::move(in.write), std::move(out.read)};
}

int standby_main() {
  long long id = 0;
  if (::read(0, &id, sizeof id) != sizeof id) return 1;
  const long long at = Clock::now().time_since_epoch().count();
  return ::write(1, &at, sizeof at) == sizeof at ? 0 : 1;
}

// Hands `id` to the standby and returns when it said it woke.
Clock::time_point hand_over(Standby standby, long long id) {
  long long at = 0;
  if (::write(standby.hand.get(), &id, sizeof id) != sizeof id ||
      ::read(standby.woke.get(), &at, sizeof at) != sizeof at) {
    std::fprintf(stderr, "start-floor: the standby did not answer\n");
    std::exit(1);
  }
  ::waitpid(standby.pid, nullptr, 0);
  return Clock::time_point(Clock::duration(at));
}

// The standby left over at the end reads EOF and exits.
void retire(Standby standby) {
  standby.hand.reset();
  ::waitpid(standby.pid, nullptr, 0);
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--standby") return standby_main();
  std::string url;
  int jobs = 400;
  int gap_ms = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--database-url=", 0) == 0) url = arg.substr(15);
    else if (arg.rfind("--jobs=", 0) == 0) jobs = std::atoi(arg.c_str() + 7);
    else if (arg.rfind("--gap-ms=", 0) == 0) gap_ms = std::atoi(arg.c_str() + 9);
    else {
      std::fprintf(stderr, "start-floor: unknown argument '%s'\n", arg.c_str());
      return 2;
    }
  }
  if (url.empty() || jobs < 1 || gap_ms < 1) {
    std::fprintf(stderr, "usage: start-floor --database-url=URL [--jobs=N] [--gap-ms=MS]\n");
    return 2;
  }
  const std::string queue = "start_floor";
  auto claimer = spawnq::connect_database(url, "spawnq start-floor");
  spawnq::JobStore store(*claimer);
  const spawnq::WorkerId worker = store.workers().register_worker({"bench", 1, "", ""}, {queue}, "bench");
  auto listener = spawnq::connect_database(url, "spawnq start-floor listener");
  Silent receiver(*listener, "spawnq:" + queue);
  listener->get_notifs();  // sends the LISTEN

  std::mutex mutex;
  std::map<long long, Clock::time_point> committed;  // job id → when its enqueue returned
  std::vector<double> notified_ms;
  std::vector<double> claimed_ms;
  std::vector<double> woke_ms;
  std::atomic<bool> enqueued_all{false};
  std::thread producer([&] {
    auto conn = spawnq::connect_database(url, "spawnq start-floor producer");
    conn->prepare("enqueue", "SELECT spawnq.enqueue('noop', queue => $1)");
    auto next = Clock::now();
    for (int i = 0; i < jobs + 20; ++i) {  // the first 20 warm the plans up
      std::this_thread::sleep_until(next);
      next += std::chrono::milliseconds(gap_ms);
      pqxx::nontransaction tx(*conn);
      const auto id = tx.exec_prepared1("enqueue", queue)[0].as<long long>();
      const auto at = Clock::now();
      std::lock_guard lock(mutex);
      committed[id] = at;
    }
    enqueued_all = true;
  });

  int seen = 0;
  Standby standby = start_standby("/proc/self/exe");
  while (seen < jobs + 20) {
    if (listener->await_notification(5, 0) == 0) {
      if (enqueued_all) break;
      continue;
    }
    const auto notified = Clock::now();
    const auto claimed_jobs = store.jobs().claim(queue, 1, worker, 5);
    const auto claimed = Clock::now();
    for (const auto& job : claimed_jobs) {
      const auto woke = hand_over(std::move(standby), job.id);
      standby = start_standby("/proc/self/exe");  // ready long before the next job
      Clock::time_point at;
      for (;;) {  // the producer notes the commit just after it returns
        std::lock_guard lock(mutex);
        if (const auto it = committed.find(job.id); it != committed.end()) {
          at = it->second;
          break;
        }
      }
      if (++seen > 20) {
        notified_ms.push_back(ms(notified - at));
        claimed_ms.push_back(ms(claimed - at));
        woke_ms.push_back(ms(woke - at));
      }
    }
  }
  producer.join();
  retire(std::move(standby));
  store.workers().remove_worker(worker);
  if (static_cast<int>(claimed_ms.size()) < jobs) {
    std::fprintf(stderr, "start-floor: only %zu of %d jobs claimed\n", claimed_ms.size(), jobs);
    return 1;
  }
  std::printf("start floor: %d jobs %d ms apart, enqueue commit -> NOTIFY received p50 %.3f / p99 %.3f ms,"
              " -> claimed (a claim of one, committed) p50 %.3f / p99 %.3f ms,"
              " -> standby woke p50 %.3f / p99 %.3f ms\n",
              jobs, gap_ms, percentile(notified_ms, 0.5), percentile(notified_ms, 0.99),
              percentile(claimed_ms, 0.5), percentile(claimed_ms, 0.99), percentile(woke_ms, 0.5),
              percentile(woke_ms, 0.99));
  return 0;
}
