// Every daemon of the cluster, as `spawnq workers` shows them.
#include "common/job_search_json.hpp"
#include "pages.hpp"

namespace spawnq {

std::string render_daemons(const PageFrame&, const std::vector<WorkerLine>& workers,
                           std::chrono::milliseconds stuck_job_timeout) {
  std::string body = "<table class=\"daemons\"><thead><tr><th>id</th><th>host</th><th>pid</th><th>version</th>"
                     "<th>queues (max workers)</th><th>started</th><th>last heartbeat</th><th>running</th>"
                     "<th>state</th></tr></thead><tbody>";
  for (const WorkerLine& w : workers) {
    std::string queues;
    for (const std::string& queue : w.queues) {
      const auto max = w.max_workers.find(queue);
      queues += (queues.empty() ? "" : ", ") + escape_html(queue) +
                (max == w.max_workers.end() ? std::string() : " (" + std::to_string(max->second) + ")");
    }
    const std::string state(to_string(worker_state(w, stuck_job_timeout)));
    body += "<tr data-worker=\"" + std::to_string(w.id) + "\"><td>" + std::to_string(w.id) + "</td><td>" +
            escape_html(w.host) + "</td><td>" + std::to_string(w.pid) + "</td><td>" + escape_html(w.version) +
            "</td><td>" + queues + "</td><td>" + escape_html(w.started_at) + "</td><td>" + format_age(w.silent_s) +
            " ago</td><td class=\"num\">" + std::to_string(w.running) + "</td><td><span class=\"state " +
            (state == "declared dead" ? std::string("dead") : state) + "\">" + state + "</span></td></tr>";
  }
  if (workers.empty()) body += "<tr><td colspan=\"9\">No daemon is registered.</td></tr>";
  return body + "</tbody></table>";
}

}  // namespace spawnq
