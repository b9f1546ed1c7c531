// claim-cost: the cost of one claim (of one job) plus its outcome, through
// the daemon's own JobStore statements, with whatever the jobs table holds
// besides; and what enqueueing its jobs cost each (the insert trigger of
// migration 014 included). bench/claim-cost runs it on an empty table, with
// 1,000,000 `done` rows, and with 1,000,000 pending rows in 100 groups, plain
// and fair (fair_by: group).
//
//   claim-cost --database-url=URL [--claims=N] [--fair] [--groups=N] [--max-running=N]
//
// --max-running: the claim with limits, `noop` under max_concurrency N.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/connection.hpp"
#include "common/job_store.hpp"
#include "percentile.hpp"

int main(int argc, char** argv) {
  std::string url;
  int claims = 2000;
  int groups = 0;  // the enqueued jobs' job_groups, in turn; 0: none
  spawnq::ClaimLimits limits;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--database-url=", 0) == 0) url = arg.substr(15);
    else if (arg.rfind("--claims=", 0) == 0) claims = std::atoi(arg.c_str() + 9);
    else if (arg.rfind("--groups=", 0) == 0) groups = std::atoi(arg.c_str() + 9);
    else if (arg == "--fair") limits.fair = true;
    else if (arg.rfind("--max-running=", 0) == 0) limits.types["noop"].max_running = std::atoi(arg.c_str() + 14);
    else {
      std::fprintf(stderr, "claim-cost: unknown argument '%s'\n", arg.c_str());
      return 2;
    }
  }
  if (url.empty() || claims < 1) {
    std::fprintf(stderr, "usage: claim-cost --database-url=URL [--claims=N]\n");
    return 2;
  }
  auto conn = spawnq::connect_database(url, "spawnq claim-cost");
  spawnq::JobStore store(*conn);
  const spawnq::WorkerId worker = store.workers().register_worker({"bench", 1, "", ""}, {"claim_cost"}, "bench");
  const auto e0 = std::chrono::steady_clock::now();
  {
    pqxx::work w(*conn);
    const std::string group = groups > 0 ? "'g' || (i % " + std::to_string(groups) + ")" : "NULL";
    w.exec("SELECT count(spawnq.enqueue('noop', queue => 'claim_cost', job_group => " + group +
           ")) FROM generate_series(1, " + std::to_string(claims) + ") i");
    w.commit();
  }
  const double enqueue_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - e0).count() / claims;
  std::vector<double> claim_us;
  std::vector<double> record_us;
  for (int i = 0; i < claims; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto jobs = store.jobs().claim("claim_cost", 1, worker, 5, limits);
    const auto t1 = std::chrono::steady_clock::now();
    if (jobs.size() != 1) {
      std::fprintf(stderr, "claim-cost: claim %d got %zu jobs\n", i, jobs.size());
      return 1;
    }
    spawnq::AttemptRecord r;
    r.job_id = jobs[0].id;
    r.attempt = jobs[0].attempt;
    r.worker_id = worker;
    store.jobs().record(r);
    const auto t2 = std::chrono::steady_clock::now();
    claim_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    record_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
  }
  store.workers().remove_worker(worker);
  pqxx::work w(*conn);
  const auto rows = w.exec1("SELECT count(*) FROM spawnq.jobs")[0].as<long long>();
  const auto pending = w.exec1("SELECT count(*) FROM spawnq.jobs WHERE status = 'pending'")[0].as<long long>();
  const char* kind = !limits.types.empty() ? "limited (max_concurrency)" : limits.fair ? "fair" : "plain";
  std::printf("claim-cost: %lld rows in spawnq.jobs (%lld pending), %s claim: p50 %.0f us, p99 %.0f us;"
              " outcome p50 %.0f us, p99 %.0f us; enqueue %.0f us a job\n",
              rows, pending, kind, percentile(claim_us, 0.5), percentile(claim_us, 0.99),
              percentile(record_us, 0.5), percentile(record_us, 0.99), enqueue_us);
  return 0;
}
