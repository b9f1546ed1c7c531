// The config's cron schedules with their last and next run, and "enqueue
// now" for operators.
#include "pages.hpp"

namespace spawnq {

std::string render_schedules(const PageFrame& frame, const std::vector<ScheduleView>& schedules,
                             const Abilities& can) {
  std::string body = "<table class=\"schedules\"><thead><tr><th>schedule</th><th>cron</th><th>queue</th><th>type</th>"
                     "<th>last run</th><th>next run</th>" +
                     std::string(can.operate ? "<th></th>" : "") + "</tr></thead><tbody>";
  for (const ScheduleView& view : schedules) {
    const ScheduleConfig& s = *view.schedule;
    std::string last = "never";
    if (view.state) {
      last = escape_html(format_tick(view.state->last_tick));
      if (view.state->last_job) {
        const std::string id = std::to_string(*view.state->last_job);
        last += " <a href=\"/jobs/" + id + "\">job " + id + "</a> (" +
                (view.state->last_status ? std::string(to_string(*view.state->last_status)) : "deleted") + ")";
      } else {
        last += " (skipped)";
      }
    }
    body += "<tr data-schedule=\"" + escape_html(s.name) + "\"><td>" + escape_html(s.name) + "</td><td><code>" +
            escape_html(s.cron.text) + "</code>" + (s.zone == CronZone::local ? " (local time)" : "") + "</td><td>" +
            escape_html(s.queue) + "</td><td>" + escape_html(s.job_type) + "</td><td>" + last + "</td><td>" +
            (view.next ? escape_html(format_tick(*view.next)) : std::string("never")) + "</td>";
    if (can.operate) {
      body += "<td><form method=\"post\" action=\"/api/schedules/" + escape_html(url_encode(s.name)) + "/run\">" +
              form_fields(frame, "/schedules") + "<button>enqueue now</button></form></td>";
    }
    body += "</tr>";
  }
  if (schedules.empty()) body += "<tr><td colspan=\"7\">The config has no schedules.</td></tr>";
  return body + "</tbody></table>";
}

}  // namespace spawnq
