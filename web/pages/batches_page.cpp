// Batches, as `spawnq batches` and `spawnq batch show` show them: a progress
// bar of each batch's members by status, with links to the members and to
// the callbacks once enqueued.
#include <cstdio>

#include "pages.hpp"

namespace spawnq {
namespace {

// One segment per status that has members, as wide as its share; the rest
// of the bar is the members still to finish. SVG, as the overview's chart:
// the console's Content-Security-Policy allows no inline style.
std::string progress_bar(const Batch& b) {
  std::string bar = "<svg class=\"batch-bar\" viewBox=\"0 0 100 1\" preserveAspectRatio=\"none\"><title>" +
                    std::to_string(b.finished()) + " of " + std::to_string(b.total) + " finished</title>";
  const std::pair<const char*, std::int64_t> parts[] = {
      {"done", b.done}, {"failed", b.failed}, {"dead", b.dead}, {"cancelled", b.cancelled}};
  double x = 0;
  for (const auto& [status, count] : parts) {
    if (count == 0 || b.total == 0) continue;
    const double width = 100.0 * static_cast<double>(count) / static_cast<double>(b.total);
    char rect[128];
    std::snprintf(rect, sizeof rect, "<rect class=\"%s\" x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"1\"></rect>",
                  status, x, width);
    bar += rect;
    x += width;
  }
  return bar + "</svg>";
}

std::string job_link(const std::optional<JobId>& id) {
  if (!id) return "-";
  return "<a href=\"/jobs/" + std::to_string(*id) + "\">job " + std::to_string(*id) + "</a>";
}

std::string callback(const std::optional<std::string>& job_type, const std::optional<JobId>& job) {
  if (!job_type) return "-";
  return escape_html(*job_type) + (job ? " → " + job_link(job) : std::string());
}

std::string counts_of(const Batch& b) {
  return format_count(b.finished()) + " / " + format_count(b.total) + " <span class=\"read-at\">(done " +
         format_count(b.done) + ", failed " + format_count(b.failed) + ", dead " + format_count(b.dead) +
         ", cancelled " + format_count(b.cancelled) + ")</span>";
}

}  // namespace

std::string render_batches(const PageFrame&, const std::vector<Batch>& batches) {
  std::string body = "<p class=\"example\">Open batches, and those completed within the last day.</p>"
                     "<table class=\"batches\"><thead><tr><th>id</th><th>description</th><th>state</th>"
                     "<th>progress</th><th>finished</th><th>on complete</th><th>on success</th><th>created</th>"
                     "</tr></thead><tbody>";
  for (const Batch& b : batches) {
    const std::string id = std::to_string(b.id);
    body += "<tr data-batch=\"" + id + "\"><td><a href=\"/batches/" + id + "\">" + id + "</a></td><td>" +
            escape_html(b.description.value_or("")) + "</td><td><span class=\"state " +
            std::string(to_string(b.state())) + "\">" + std::string(to_string(b.state())) + "</span></td><td>" +
            progress_bar(b) + "</td><td class=\"num\"><a href=\"/jobs?batch=" + id + "\">" + counts_of(b) +
            "</a></td><td>" + callback(b.on_complete, b.complete_job) + "</td><td>" +
            callback(b.on_success, b.success_job) + "</td><td>" + escape_html(b.created_at) + "</td></tr>";
  }
  if (batches.empty()) body += "<tr><td colspan=\"8\">No batch is open or completed within the last day.</td></tr>";
  return body + "</tbody></table>";
}

std::string render_batch(const PageFrame&, const Batch& b, bool show_payload) {
  const std::string id = std::to_string(b.id);
  const auto row = [](const char* key, const std::string& value) {
    return std::string("<tr><th>") + key + "</th><td>" + value + "</td></tr>";
  };
  return "<div data-batch=\"" + id + "\">" + progress_bar(b) + "</div><table class=\"columns\">" +
         row("state", "<span class=\"state " + std::string(to_string(b.state())) + "\">" +
                          std::string(to_string(b.state())) + "</span>") +
         row("description", escape_html(b.description.value_or("-"))) + row("finished", counts_of(b)) +
         row("members", "<a href=\"/jobs?batch=" + id + "\">list the members</a> · <a href=\"/jobs?batch=" + id +
                            "&amp;status=failed,dead\">the failed ones</a>") +
         row("on complete", callback(b.on_complete, b.complete_job)) +
         row("on success", callback(b.on_success, b.success_job)) + row("callbacks' queue", escape_html(b.queue)) +
         (show_payload ? row("payload", "<code>" + escape_html(b.payload_json) + "</code>") : std::string()) +
         row("created", escape_html(b.created_at)) + row("closed", escape_html(b.closed_at.value_or("-"))) +
         row("completed", escape_html(b.completed_at.value_or("-"))) + "</table>";
}

}  // namespace spawnq
