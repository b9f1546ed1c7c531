// What was done from the console, newest first, paged by id.
#include "pages.hpp"

namespace spawnq {

std::string render_audit(const PageFrame&, const AuditPage& page) {
  std::string body = "<table class=\"audit\"><thead><tr><th>at</th><th>user</th><th>action</th><th>on</th>"
                     "<th>jobs</th><th>result</th></tr></thead><tbody>";
  for (const AuditEntry& entry : page.entries) {
    std::string jobs;
    for (std::size_t i = 0; i < entry.job_ids.size() && i < 20; ++i) {
      const std::string id = std::to_string(entry.job_ids[i]);
      jobs += "<a href=\"/jobs/" + id + "\">" + id + "</a> ";
    }
    if (entry.job_ids.size() > 20) jobs += "and " + format_count(static_cast<std::int64_t>(entry.job_ids.size() - 20)) + " more";
    body += "<tr data-audit=\"" + std::to_string(entry.id) + "\"><td>" + escape_html(entry.at) + "</td><td>" +
            escape_html(entry.user) + "</td><td>" + escape_html(entry.action) + "</td><td>" +
            escape_html(entry.target) + "</td><td>" + jobs + "</td><td>" + escape_html(entry.detail) + "</td></tr>";
  }
  if (page.entries.empty()) body += "<tr><td colspan=\"6\">Nothing has been done from the console yet.</td></tr>";
  body += "</tbody></table>";
  if (page.next_before_id) {
    body += "<p class=\"more\"><a rel=\"next\" href=\"/audit?before_id=" + std::to_string(*page.next_before_id) +
            "\">older →</a></p>";
  }
  return body;
}

}  // namespace spawnq
