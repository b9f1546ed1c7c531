// What every fault scenario shares: a database (the shared test cluster, or a
// private one that the scenario may stop), daemons running the fault runner
// with short timings, a side-effect log, and the check of docs/SPEC.md §7: every job
// reached a terminal state, and no job recorded `done` ran to completion twice.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"

namespace spawnq::test {

class FaultHarness {
 public:
  // The daemons connect to `daemon_url` when given (a pooler, say); the
  // harness's own checks always go to `database_url`.
  explicit FaultHarness(std::string database_url, std::string daemon_url = "");
  ~FaultHarness();

  // A daemon on the fault runner; `extra` is more YAML (a key may appear once).
  std::unique_ptr<DaemonProcess> daemon(const std::string& queues = "default: { max_workers: 4 }",
                                        std::map<std::string, std::string> settings = {}) const;
  std::vector<JobId> add_effects(int count, const std::string& payload = R"({"seconds": 0})");
  std::string value(const std::string& query) const;
  bool all_terminal(std::chrono::milliseconds limit) const;
  // How many times each job logged "end": ran to completion.
  std::map<JobId, int> completions() const;
  std::string effects() const;
  // Fails the current test unless docs/SPEC.md §7 holds for every job in the table.
  void check_guarantees() const;

 private:
  std::string url_;
  std::string daemon_url_;
  std::string effects_log_;
};

// True when the suite runs as root; otherwise warns that switching users
// cannot be tested here.
bool root_or_warn();

}  // namespace spawnq::test
