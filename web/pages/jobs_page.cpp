// The jobs list: the filters of `spawnq jobs` kept in the URL, one tab per
// status with its capped count, pages by id, and actions on the jobs ticked
// or on everything the filter matches.
#include "common/job_search_json.hpp"
#include "pages.hpp"

namespace spawnq {
namespace {

void add_param(std::string& url, const char* name, const std::optional<std::string>& value) {
  if (!value || value->empty()) return;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += std::string(name) + "=" + url_encode(*value);
}

std::string text_input(const char* name, const char* label, const std::optional<std::string>& value,
                       const char* placeholder) {
  return std::string("<label>") + label + " <input name=\"" + name + "\" value=\"" +
         escape_html(value.value_or("")) + "\" placeholder=\"" + placeholder + "\"></label>";
}

// The hidden fields that carry a filter into a form.
std::string filter_fields(const JobFilterText& text, const std::optional<std::string>& error_group) {
  std::string fields;
  const auto hidden = [&](const char* name, const std::optional<std::string>& value) {
    if (value) fields += std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + escape_html(*value) + "\">";
  };
  hidden("queue", text.queue);
  hidden("status", text.statuses);
  hidden("type", text.job_type);
  hidden("error", text.error);
  hidden("since", text.since);
  hidden("error_group", error_group);
  return fields;
}

std::string action_buttons(const Abilities& can, const char* field) {
  std::string buttons;
  if (can.operate) {
    buttons += std::string("<button name=\"") + field + "\" value=\"retry\">retry</button>";
    buttons += std::string("<button name=\"") + field + "\" value=\"cancel\">cancel</button>";
  }
  if (can.administer) buttons += std::string("<button name=\"") + field + "\" value=\"delete\" class=\"danger\">delete</button>";
  return buttons;
}

}  // namespace

JobFilterText queue_filter(const std::string& queue, std::optional<std::string> statuses) {
  JobFilterText text;
  text.queue = queue;
  text.statuses = std::move(statuses);
  return text;
}

std::string jobs_url(const JobFilterText& text, const std::optional<std::string>& error_group,
                     std::optional<JobId> before_id) {
  std::string url = "/jobs";
  add_param(url, "queue", text.queue);
  add_param(url, "status", text.statuses);
  add_param(url, "type", text.job_type);
  add_param(url, "error", text.error);
  add_param(url, "since", text.since);
  add_param(url, "batch", text.batch);
  add_param(url, "error_group", error_group);
  if (before_id) add_param(url, "before_id", std::to_string(*before_id));
  return url;
}

std::string render_jobs(const PageFrame& frame, const JobsView& view, const Abilities& can) {
  std::string body = "<form class=\"filters\" method=\"get\" action=\"/jobs\">" +
                     text_input("queue", "queue", view.text.queue, "any") +
                     text_input("status", "status", view.text.statuses, "failed,dead") +
                     text_input("type", "type", view.text.job_type, "any") +
                     text_input("error", "error contains", view.text.error, "text") +
                     text_input("since", "since", view.text.since, "1h or 2026-11-23T10:00Z");
  if (view.error_group) {
    body += "<input type=\"hidden\" name=\"error_group\" value=\"" + escape_html(*view.error_group) + "\">";
  }
  if (view.text.batch) {
    body += "<input type=\"hidden\" name=\"batch\" value=\"" + escape_html(*view.text.batch) + "\">";
  }
  body += "<button type=\"submit\">filter</button> <a href=\"/jobs\">clear</a></form>";
  if (view.text.batch) {
    body += "<p>Members of <a href=\"/batches/" + escape_html(*view.text.batch) + "\">batch " +
            escape_html(*view.text.batch) + "</a></p>";
  }
  if (view.error_group) body += "<p>Failed as: <code>" + escape_html(*view.error_group) + "</code></p>";

  // Tabs: every status with its count under the other filters.
  JobFilterText all = view.text;
  all.statuses.reset();
  std::int64_t total = 0;
  bool total_capped = false;
  std::string tabs;
  for (const JobStatus status : kAllStatuses) {
    const auto it = view.counts.find(status);
    const CappedCount count = it == view.counts.end() ? CappedCount{} : it->second;
    total += count.count;
    total_capped = total_capped || count.capped;
    JobFilterText one = all;
    one.statuses = std::string(to_string(status));
    tabs += "<a href=\"" + escape_html(jobs_url(one, view.error_group)) + "\"" +
            (view.tab == status ? " class=\"active\"" : "") + " data-status=\"" + std::string(to_string(status)) +
            "\">" + std::string(to_string(status)) + " <span class=\"count\">" +
            format_count(count.count, count.capped) + "</span></a>";
  }
  body += "<nav class=\"tabs\"><a href=\"" + escape_html(jobs_url(all, view.error_group)) + "\"" +
          (!view.text.statuses ? " class=\"active\"" : "") + ">all <span class=\"count\">" +
          format_count(total, total_capped) + "</span></a>" + tabs + "</nav>";

  body += "<form method=\"post\" action=\"/api/jobs\" class=\"job-list\">" + form_fields(frame, view.self) +
          filter_fields(view.text, view.error_group);
  const bool can_act = can.operate || can.administer;
  if (can_act) {
    body += "<div class=\"actions\">Ticked: " + action_buttons(can, "action") +
            " · Everything this filter matches: " + action_buttons(can, "action_all") + "</div>";
  }
  body += "<table class=\"jobs\"><thead><tr>" + std::string(can_act ? "<th><input type=\"checkbox\" "
                                                                      "data-select-all aria-label=\"all\"></th>"
                                                                    : "") +
          "<th>id</th><th>queue</th><th>type</th><th>status</th><th>attempts</th><th>age</th><th>error</th></tr>"
          "</thead><tbody>";
  for (const JobLine& job : view.page.jobs) {
    const std::string id = std::to_string(job.id);
    body += "<tr data-job=\"" + id + "\">";
    if (can_act) body += "<td><input type=\"checkbox\" name=\"id\" value=\"" + id + "\" aria-label=\"job " + id + "\"></td>";
    body += "<td><a href=\"/jobs/" + id + "\">" + id + "</a></td><td>" + escape_html(job.queue) + "</td><td>" +
            escape_html(job.job_type) + "</td><td><span class=\"status " + std::string(to_string(job.status)) + "\">" +
            std::string(to_string(job.status)) + "</span></td><td class=\"num\">" + std::to_string(job.attempts) +
            (job.max_attempts ? "/" + std::to_string(*job.max_attempts) : std::string()) + "</td><td class=\"num\">" +
            format_age(job.age_s) + "</td><td class=\"error\">" + escape_html(job.error.value_or("")) + "</td></tr>";
  }
  if (view.page.jobs.empty()) body += "<tr><td colspan=\"8\">No job matches.</td></tr>";
  body += "</tbody></table></form>";
  if (view.page.next_before_id) {
    body += "<p class=\"more\"><a rel=\"next\" href=\"" +
            escape_html(jobs_url(view.text, view.error_group, view.page.next_before_id)) + "\">older jobs →</a></p>";
  }
  return body;
}

std::string render_confirmation(const PageFrame& frame, const BulkConfirmation& c) {
  const std::string verb(to_string(c.action));
  const bool more = c.matching.capped || c.matching.count > c.max;
  const std::string how_many =
      more ? "the oldest " + format_count(c.max) + " of " + format_count(c.matching.count, c.matching.capped) + " jobs"
           : format_count(c.matching.count) + (c.matching.count == 1 ? " job" : " jobs");
  std::string body = "<p class=\"confirm\">" + escape_html(verb) + " " + how_many + " that match this filter?</p>";
  body += "<form method=\"post\" action=\"/api/jobs\">" + form_fields(frame, c.return_to) +
          filter_fields(c.text, c.error_group) + "<input type=\"hidden\" name=\"confirm\" value=\"yes\">" +
          "<button name=\"action_all\" value=\"" + escape_html(verb) + "\"" +
          (c.action == BulkAction::remove ? " class=\"danger\"" : "") + ">yes, " + escape_html(verb) + " " +
          how_many + "</button> <a href=\"" + escape_html(c.return_to) + "\">no, go back</a></form>";
  return body;
}

}  // namespace spawnq
