#include "daemon_snapshot.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace spawnq {

std::string status_json(const DaemonSnapshot& s) {
  nlohmann::ordered_json queues = nlohmann::ordered_json::array();
  for (const QueueSnapshot& q : s.queues) {
    nlohmann::ordered_json running = nlohmann::ordered_json::array();
    for (const auto& job : q.running) {
      running.push_back({{"id", job.id},
                         {"job_type", job.job_type},
                         {"attempt", job.attempt},
                         {"pid", job.pid},
                         {"elapsed_s", job.elapsed_s},
                         {"progress", job.progress ? nlohmann::ordered_json(*job.progress) : nullptr}});
    }
    nlohmann::ordered_json depth = nlohmann::ordered_json::object();
    for (const auto& [status, count] : q.depth) depth[std::string(to_string(status))] = count;
    queues.push_back({{"queue", q.name},
                      {"max_workers", q.max_workers},
                      {"paused", q.paused},
                      {"running", running},
                      {"depth", depth},
                      {"claims_failing_s", q.claims_failing_s ? nlohmann::ordered_json(*q.claims_failing_s) : nullptr}});
  }
  nlohmann::ordered_json doc = {
      {"version", s.version},
      {"worker_id", s.worker ? nlohmann::ordered_json(*s.worker) : nullptr},
      {"host", s.host},
      {"pid", s.pid},
      {"draining", s.draining},
      {"seconds_since_database", s.seconds_since_database},
      {"queues", queues}};
  return doc.dump(2) + "\n";
}

HttpReply health_reply(const DaemonSnapshot& s, double allowed_silence) {
  if (s.seconds_since_database > allowed_silence) {
    return HttpReply{503, "text/plain; charset=utf-8",
                     fmt::format("unhealthy: no database contact for {:.0f}s\n", s.seconds_since_database)};
  }
  for (const QueueSnapshot& q : s.queues) {
    if (q.claims_failing_s && *q.claims_failing_s > allowed_silence) {
      return HttpReply{503, "text/plain; charset=utf-8",
                       fmt::format("unhealthy: queue={} cannot claim for {:.0f}s: {}\n", q.name, *q.claims_failing_s,
                                   q.claim_error)};
    }
  }
  return HttpReply{200, "text/plain; charset=utf-8", s.draining ? "ok (draining)\n" : "ok\n"};
}

}  // namespace spawnq
