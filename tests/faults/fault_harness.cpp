#include "fault_harness.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/wait_until.hpp"

namespace spawnq::test {

FaultHarness::FaultHarness(std::string database_url, std::string daemon_url)
    : url_(std::move(database_url)), daemon_url_(daemon_url.empty() ? url_ : std::move(daemon_url)) {
  char pattern[] = "/tmp/spawnq-effects.XXXXXX";
  const int fd = ::mkstemp(pattern);
  ::fchmod(fd, 0666);  // jobs that run as another user write to it too
  ::close(fd);
  effects_log_ = pattern;
}

FaultHarness::~FaultHarness() { std::remove(effects_log_.c_str()); }

bool root_or_warn() {
  if (::geteuid() == 0) return true;
  WARN("not root: dropping to another user cannot be tested here");
  return false;
}

std::unique_ptr<DaemonProcess> FaultHarness::daemon(const std::string& queues,
                                                    std::map<std::string, std::string> settings) const {
  std::map<std::string, std::string> all = {
      {"runner", FAULT_RUNNER_BIN},  {"poll_interval", "100ms"},     {"heartbeat_interval", "200ms"},
      {"stuck_job_timeout", "1s"},   {"stuck_check_interval", "250ms"}, {"sigterm_grace", "500ms"},
      {"shutdown_timeout", "2s"},    {"default_timeout", "20s"},     {"backoff", "[100ms]"}};
  for (auto& [key, value] : settings) all[key] = value;
  std::string yaml;
  for (const auto& [key, value] : all) yaml += key + ": " + value + "\n";
  yaml += "queues:\n  " + queues + "\n";
  return std::make_unique<DaemonProcess>(daemon_url_, yaml, std::vector<std::string>{"work-all"},
                                         std::map<std::string, std::string>{{"EFFECTS_LOG", effects_log_}});
}

std::vector<JobId> FaultHarness::add_effects(int count, const std::string& payload) {
  pqxx::connection conn(url_);
  JobStore store(conn);
  std::vector<JobId> ids;
  for (int i = 0; i < count; ++i) {
    EnqueueRequest request;
    request.job_type = "effect";
    request.payload_json = payload;
    ids.push_back(store.jobs().enqueue(request));
  }
  return ids;
}

std::string FaultHarness::value(const std::string& query) const {
  pqxx::connection conn(url_);
  pqxx::nontransaction n(conn);
  const auto row = n.exec1(query);
  return row[0].is_null() ? "" : row[0].as<std::string>();
}

bool FaultHarness::all_terminal(std::chrono::milliseconds limit) const {
  return wait_until(
      [&] {
        try {
          return value("SELECT count(*) FROM spawnq.jobs WHERE status NOT IN ('done', 'failed', 'dead', 'cancelled')") ==
                 "0";
        } catch (const std::exception&) {
          return false;  // the database may be down in this scenario
        }
      },
      limit, std::chrono::milliseconds(100));
}

std::string FaultHarness::effects() const {
  std::ifstream in(effects_log_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<JobId, int> FaultHarness::completions() const {
  std::map<JobId, int> ends;
  std::istringstream lines(effects());
  std::string word;
  JobId id = 0;
  std::string rest;
  while (lines >> word >> id && std::getline(lines, rest)) {
    if (word == "end") ++ends[id];
  }
  return ends;
}

void FaultHarness::check_guarantees() const {
  CHECK(value("SELECT count(*) FROM spawnq.jobs WHERE status NOT IN ('done', 'failed', 'dead', 'cancelled')") == "0");
  const auto ends = completions();
  pqxx::connection conn(url_);
  pqxx::nontransaction n(conn);
  int done = 0;
  for (const auto& row : n.exec("SELECT id FROM spawnq.jobs WHERE status = 'done' AND job_type = 'effect'")) {
    const JobId id = row[0].as<JobId>();
    const auto it = ends.find(id);
    const int times = it == ends.end() ? 0 : it->second;
    INFO("job " << id << " completed " << times << " time(s); side effects:\n" << effects());
    CHECK(times == 1);
    ++done;
  }
  // Never two open attempts of one job at once: no job was claimed twice at once.
  CHECK(n.exec1("SELECT count(*) FROM spawnq.job_attempts a JOIN spawnq.job_attempts b"
                "  ON a.job_id = b.job_id AND a.id < b.id"
                " WHERE tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)")[0]
            .as<int>() == 0);
  CHECK(n.exec1("SELECT count(*) FROM spawnq.job_attempts WHERE finished_at IS NULL")[0].as<int>() == 0);
  (void)done;
}

}  // namespace spawnq::test
