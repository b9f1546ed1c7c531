// latency-probe: enqueues `stamp` jobs one at a time, a fixed gap apart, and
// reports how long each took from the moment its enqueue committed (the
// producer's autocommit statement returned) to the moment its handler started
// (as the handler itself wrote it down). Run against an idle daemon.
//
//   latency-probe --database-url=URL --queue=Q --stamps=FILE [--jobs=N] [--gap-ms=MS]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

namespace {

struct Options {
  std::string url;
  std::string queue = "latency";
  std::string stamps;
  int jobs = 400;
  int gap_ms = 20;
};

[[noreturn]] void usage(const std::string& message) {
  std::fprintf(stderr, "latency-probe: %s\n", message.c_str());
  std::fprintf(stderr,
               "usage: latency-probe --database-url=URL --queue=Q --stamps=FILE [--jobs=N] [--gap-ms=MS]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const std::string prefix = std::string(flag) + "=";
      return arg.rfind(prefix, 0) == 0 ? arg.c_str() + prefix.size() : nullptr;
    };
    if (const char* v = value("--database-url")) o.url = v;
    else if (const char* v2 = value("--queue")) o.queue = v2;
    else if (const char* v3 = value("--stamps")) o.stamps = v3;
    else if (const char* v4 = value("--jobs")) o.jobs = std::atoi(v4);
    else if (const char* v5 = value("--gap-ms")) o.gap_ms = std::atoi(v5);
    else usage("unknown argument '" + arg + "'");
  }
  if (o.url.empty() || o.stamps.empty()) usage("--database-url and --stamps are required");
  if (o.jobs < 1 || o.gap_ms < 0) usage("--jobs must be positive and --gap-ms not negative");
  return o;
}

long long realtime_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

std::map<long long, long long> read_stamps(const std::string& path) {
  std::map<long long, long long> stamps;
  std::ifstream in(path);
  long long id = 0;
  long long ns = 0;
  while (in >> id >> ns) stamps[id] = ns;
  return stamps;
}

double percentile(const std::vector<double>& sorted, double p) {
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  pqxx::connection conn(o.url);
  conn.prepare("enqueue", "SELECT spawnq.enqueue('stamp', payload => $1::jsonb, queue => $2)");
  const std::string payload = "{\"file\": \"" + o.stamps + "\"}";

  std::map<long long, long long> committed;  // job id → ns when its commit returned
  std::vector<double> commit_ms;
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; i < o.jobs; ++i) {
    std::this_thread::sleep_until(next);
    next += std::chrono::milliseconds(o.gap_ms);
    pqxx::nontransaction tx(conn);  // autocommit: the statement returns once committed
    const long long sent = realtime_ns();
    const long long id = tx.exec_prepared1("enqueue", payload, o.queue)[0].as<long long>();
    const long long done = realtime_ns();
    committed[id] = done;
    commit_ms.push_back(static_cast<double>(done - sent) / 1e6);
  }

  std::map<long long, long long> stamps;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((stamps = read_stamps(o.stamps)).size() < committed.size() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::vector<double> latency_ms;
  for (const auto& [id, at] : committed) {
    const auto stamp = stamps.find(id);
    if (stamp != stamps.end()) latency_ms.push_back(static_cast<double>(stamp->second - at) / 1e6);
  }
  if (latency_ms.size() < committed.size()) {
    std::fprintf(stderr, "latency-probe: only %zu of %zu jobs started within 30 s\n", latency_ms.size(),
                 committed.size());
    return 1;
  }
  std::sort(latency_ms.begin(), latency_ms.end());
  std::sort(commit_ms.begin(), commit_ms.end());
  std::printf("enqueue round trip (commit included): p50 %.2f ms, p99 %.2f ms\n", percentile(commit_ms, 0.5),
              percentile(commit_ms, 0.99));
  std::printf("latency: %zu jobs %d ms apart, enqueue commit -> handler start: p50 %.2f ms, p95 %.2f ms, "
              "p99 %.2f ms, max %.2f ms\n",
              latency_ms.size(), o.gap_ms, percentile(latency_ms, 0.5), percentile(latency_ms, 0.95),
              percentile(latency_ms, 0.99), latency_ms.back());
  return 0;
}
