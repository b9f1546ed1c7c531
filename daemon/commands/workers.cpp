// spawnq workers: every daemon registered in the database, wherever it runs:
// host, pid, version, when it started, when it last spoke, how many jobs it
// runs, and whether it serves, drains, or has been silent long enough to be
// declared dead by the others (stuck_job_timeout of the config in use).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common/job_search_json.hpp"

namespace spawnq {
namespace {

struct WorkersFlags {
  bool json = false;
};

void print_table(const std::vector<WorkerLine>& workers, Duration stuck_job_timeout) {
  std::printf("%-6s %-24s %-8s %-10s %-21s %-9s %-8s %s\n", "ID", "HOST", "PID", "VERSION", "STARTED", "SILENT",
              "RUNNING", "STATE");
  for (const WorkerLine& w : workers) {
    std::printf("%-6lld %-24s %-8d %-10s %-21s %-9s %-8lld %s\n", static_cast<long long>(w.id), w.host.c_str(), w.pid,
                w.version.c_str(), w.started_at.c_str(), (std::to_string(static_cast<long long>(w.silent_s)) + "s").c_str(),
                static_cast<long long>(w.running), to_string(worker_state(w, stuck_job_timeout)).data());
  }
}

void print_json(const std::vector<WorkerLine>& workers, Duration stuck_job_timeout) {
  nlohmann::json all = nlohmann::json::array();
  for (const WorkerLine& w : workers) all.push_back(to_json(w, stuck_job_timeout));
  std::cout << nlohmann::json{{"workers", all}}.dump(2) << "\n";
}

}  // namespace

Command add_workers_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<WorkersFlags>(app, "workers", "Every daemon of the cluster");
  sub->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags] {
            const auto workers = ctx.store().search().workers();
            const Duration timeout = ctx.config().stuck_job_timeout;
            if (flags->json) print_json(workers, timeout);
            else print_table(workers, timeout);
          }};
}

}  // namespace spawnq
