// Failed and dead jobs grouped by how they failed, biggest group first, with
// "retry all in this group".
#include "pages.hpp"

namespace spawnq {

std::string render_failures(const PageFrame& frame, const std::vector<FailureGroup>& groups, int newest,
                            const Abilities& can) {
  std::string body = "<p>The newest " + format_count(newest) +
                     " failed and dead jobs, grouped by the first line of their error with numbers and ids "
                     "folded.</p><table class=\"failures\"><thead><tr><th>error</th><th>jobs</th><th>types</th>"
                     "<th>first seen</th><th>last seen</th>" +
                     std::string(can.operate ? "<th></th>" : "") + "</tr></thead><tbody>";
  for (const FailureGroup& group : groups) {
    JobFilterText text;
    std::string statuses;
    for (const JobStatus status : group.statuses) statuses += (statuses.empty() ? "" : ",") + std::string(to_string(status));
    text.statuses = statuses;
    std::string types;
    for (const std::string& type : group.job_types) types += (types.empty() ? "" : ", ") + escape_html(type);
    body += "<tr data-group=\"" + escape_html(group.error_group) + "\"><td><a href=\"" +
            escape_html(jobs_url(text, group.error_group)) + "\"><code>" + escape_html(group.error_group) +
            "</code></a><div class=\"example\">e.g. " + escape_html(group.example) + "</div></td><td class=\"num\">" +
            format_count(group.count) + "</td><td>" + types + "</td><td>" + escape_html(group.first_seen) +
            "</td><td>" + escape_html(group.last_seen) + "</td>";
    if (can.operate) {
      body += "<td><form method=\"post\" action=\"/api/jobs\">" + form_fields(frame, "/failures") +
              "<input type=\"hidden\" name=\"status\" value=\"failed,dead\"><input type=\"hidden\" "
              "name=\"error_group\" value=\"" + escape_html(group.error_group) +
              "\"><button name=\"action_all\" value=\"retry\">retry all in this group</button></form></td>";
    }
    body += "</tr>";
  }
  if (groups.empty()) body += "<tr><td colspan=\"6\">No failures.</td></tr>";
  return body + "</tbody></table>";
}

}  // namespace spawnq
