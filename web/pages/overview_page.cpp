// The overview: every queue of the cluster, the last hour's chart, the daemons.
#include "common/job_search_json.hpp"
#include "pages.hpp"

namespace spawnq {
namespace {

// fair_by and group_max_workers, as the daemons serving the queue say.
std::string shares_badges(const QueueOverview& q) {
  if (q.shares_differ) return " <span class=\"badge shares\">shares differ between daemons</span>";
  std::string badges;
  if (q.shares.fair_by_group) badges += " <span class=\"badge shares\">fair by group</span>";
  if (q.shares.group_max_workers) {
    badges += " <span class=\"badge shares\">≤ " + std::to_string(*q.shares.group_max_workers) + " a group</span>";
  }
  return badges;
}

std::string queue_row(const PageFrame& frame, const QueueOverview& q, const Abilities& can) {
  const auto count = [&](JobStatus status) {
    const auto it = q.counts.find(status);
    const std::int64_t n = it == q.counts.end() ? 0 : it->second;
    const std::string text = format_count(n);
    if (n == 0) return std::string("<td class=\"num zero\">0</td>");
    return "<td class=\"num\"><a href=\"" + escape_html(jobs_url(queue_filter(q.queue, std::string(to_string(status))), {})) +
           "\">" + text + "</a></td>";
  };
  std::string row = "<tr data-queue=\"" + escape_html(q.queue) + "\"><td><a href=\"" +
                    escape_html(jobs_url(queue_filter(q.queue), {})) + "\">" + escape_html(q.queue) + "</a>" +
                    (q.paused ? " <span class=\"badge paused\">paused</span>" : "") + shares_badges(q) + "</td>";
  row += "<td class=\"num workers\">" + std::to_string(q.running) + " / " +
         (q.max_workers ? std::to_string(*q.max_workers) : std::string("?")) + "</td>";
  for (const JobStatus status : kAllStatuses) {
    if (status != JobStatus::processing) row += count(status);
  }
  row += "<td class=\"num\">" + (q.oldest_pending_age_s ? format_age(*q.oldest_pending_age_s) : std::string("–")) +
         "</td>";
  row += "<td>" + render_chart(q.done_per_minute, q.failed_per_minute) + "</td>";
  if (can.operate) {
    const std::string verb = q.paused ? "resume" : "pause";
    row += "<td><form method=\"post\" action=\"/api/queues/" + escape_html(url_encode(q.queue)) + "/" + verb + "\">" +
           form_fields(frame, "/") + "<button type=\"submit\">" + verb + "</button></form></td>";
  }
  return row + "</tr>";
}

}  // namespace

std::string render_overview(const PageFrame& frame, const Overview& overview, const Abilities& can) {
  std::string body = "<section class=\"chart-box\"><h2>Finished per minute, last hour</h2>" +
                     render_chart(overview.done_per_minute, overview.failed_per_minute) +
                     "<p class=\"legend\"><span class=\"done\">■</span> done <span class=\"failed\">■</span> failed, "
                     "dead or cancelled</p></section>";
  body += "<section><h2>Queues</h2><table class=\"queues\" data-live=\"overview\"><thead><tr><th>queue</th>"
          "<th>running / max</th>";
  for (const JobStatus status : kAllStatuses) {
    if (status != JobStatus::processing) body += "<th>" + std::string(to_string(status)) + "</th>";
  }
  body += "<th>oldest waiting</th><th>last hour</th>";
  if (can.operate) body += "<th></th>";
  body += "</tr></thead><tbody>";
  for (const QueueOverview& q : overview.queues) body += queue_row(frame, q, can);
  if (overview.queues.empty()) body += "<tr><td colspan=\"12\">No jobs and no daemons yet.</td></tr>";
  body += "</tbody></table></section>";
  body += "<section><h2>Daemons</h2><p>" + std::to_string(overview.daemons.size()) + " registered; <a href=\"/daemons\">"
          "details</a>.</p></section>";
  body += "<p class=\"read-at\">Read at " + escape_html(overview.read_at) + ".</p>";
  return body;
}

}  // namespace spawnq
