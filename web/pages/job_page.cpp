// One job in full: every column, the payload as formatted JSON, progress,
// dependencies as links, the timeline, and each attempt with where it ran
// and how it ended; the actions its status and the user's role allow.
#include "pages.hpp"

namespace spawnq {
namespace {

std::string text_of(const nlohmann::ordered_json& value) {
  if (value.is_null()) return "–";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string field(const nlohmann::ordered_json& row, const char* key) {
  return row.contains(key) ? text_of(row[key]) : std::string("–");
}

std::string action_form(const PageFrame& frame, JobId id, const char* action, bool danger) {
  const std::string self = "/jobs/" + std::to_string(id);
  return "<form method=\"post\" action=\"/api/jobs\" class=\"inline\">" + form_fields(frame, self) +
         "<input type=\"hidden\" name=\"id\" value=\"" + std::to_string(id) + "\"><button name=\"action\" value=\"" +
         action + "\"" + (danger ? " class=\"danger\"" : "") + ">" + action + "</button></form>";
}

// Which level gave the job its priority and max_attempts (job, handler,
// queue or default; migrations 013 and 014), as `spawnq show` says it.
std::string policy_line(const nlohmann::ordered_json& job) {
  std::string line;
  for (const char* key : {"priority", "max_attempts"}) {
    const std::string from = std::string(key) + "_from";
    if (!job.contains(from) || job[from].is_null()) continue;
    line += std::string(line.empty() ? "" : " · ") + key + " " + escape_html(field(job, key)) + " (" +
            escape_html(field(job, from.c_str())) + ")";
  }
  return line.empty() ? line : "<p class=\"policy\">" + line + "</p>";
}

std::string how_it_ended(const nlohmann::ordered_json& attempt) {
  std::string text = field(attempt, "outcome");
  if (attempt.contains("exit_code") && !attempt["exit_code"].is_null()) {
    text += ", exit " + attempt["exit_code"].dump();
  }
  if (attempt.contains("signal") && !attempt["signal"].is_null()) text += ", signal " + attempt["signal"].dump();
  return text;
}

}  // namespace

std::string render_job(const PageFrame& frame, const JobDetails& details, const Abilities& can) {
  const auto& job = details.job;
  const JobId id = job.value("id", JobId{0});
  const std::string status = field(job, "status");
  std::string body = "<p class=\"job-head\"><span class=\"status " + escape_html(status) + "\">" +
                     escape_html(status) + "</span> " + escape_html(field(job, "job_type")) + " in <a href=\"" +
                     escape_html(jobs_url(queue_filter(field(job, "queue")), {})) + "\">" + escape_html(field(job, "queue")) +
                     "</a></p>" + policy_line(job);

  std::string actions;
  const bool waiting = status == "pending" || status == "retry_wait";
  const bool finished_badly = status == "failed" || status == "dead" || status == "cancelled";
  if (can.operate && (finished_badly || status == "retry_wait")) actions += action_form(frame, id, "retry", false);
  if (can.operate && (waiting || status == "processing")) actions += action_form(frame, id, "cancel", false);
  if (can.administer && status != "processing") actions += action_form(frame, id, "delete", true);
  if (!actions.empty()) body += "<div class=\"actions\">" + actions + "</div>";

  if (job.contains("progress") && job["progress"].is_number()) {
    const double progress = job["progress"].get<double>();
    body += "<p><progress max=\"1\" value=\"" + std::to_string(progress) + "\"></progress> " +
            std::to_string(static_cast<int>(progress * 100)) + "%" +
            (job.contains("progress_message") && job["progress_message"].is_string()
                 ? " " + escape_html(job["progress_message"].get<std::string>())
                 : std::string()) +
            "</p>";
  }

  body += "<h2>Timeline</h2><ol class=\"timeline\"><li>created " + escape_html(field(job, "created_at")) +
          "</li><li>available " + escape_html(field(job, "available_at")) + "</li>";
  for (const auto& attempt : details.attempts) {
    body += "<li>attempt " + escape_html(field(attempt, "attempt")) + " started " +
            escape_html(field(attempt, "started_at")) + "</li>";
    if (!attempt["finished_at"].is_null()) {
      body += "<li>attempt " + escape_html(field(attempt, "attempt")) + " ended " +
              escape_html(field(attempt, "finished_at")) + ": " + escape_html(how_it_ended(attempt)) + "</li>";
    }
  }
  if (!job["finished_at"].is_null()) body += "<li>finished " + escape_html(field(job, "finished_at")) + "</li>";
  body += "</ol>";

  if (job.contains("depends_on") && job["depends_on"].is_array() && !job["depends_on"].empty()) {
    body += "<h2>Waits for</h2><p class=\"dependencies\">";
    for (const auto& dependency : job["depends_on"]) {
      const std::string other = dependency.dump();
      body += "<a href=\"/jobs/" + other + "\">" + other + "</a> ";
    }
    body += "</p>";
  }

  body += "<h2>Payload</h2>";
  if (job.contains("payload")) {
    body += "<pre class=\"payload\" data-copy>" + escape_html(job["payload"].dump(2)) + "</pre>";
  } else {
    body += "<p class=\"hidden\">hidden (web.show_payloads: false)</p>";
  }

  body += "<h2>Attempts</h2><table class=\"attempts\"><thead><tr><th>#</th><th>host</th><th>pid</th><th>started</th>"
          "<th>duration</th><th>ended</th><th>error</th></tr></thead><tbody>";
  for (const auto& attempt : details.attempts) {
    body += "<tr><td>" + escape_html(field(attempt, "attempt")) + "</td><td>" + escape_html(field(attempt, "host")) +
            "</td><td>" + escape_html(field(attempt, "pid")) + "</td><td>" +
            escape_html(field(attempt, "started_at")) + "</td><td class=\"num\">" +
            (attempt.contains("duration_s") && attempt["duration_s"].is_number()
                 ? format_age(attempt["duration_s"].get<double>())
                 : std::string("–")) +
            "</td><td>" + escape_html(how_it_ended(attempt)) + "</td><td class=\"error\"><pre>" +
            escape_html(field(attempt, "error")) + "</pre></td></tr>";
    if (attempt.contains("output_tail") && attempt["output_tail"].is_string() &&
        !attempt["output_tail"].get<std::string>().empty()) {
      body += "<tr class=\"tail\"><td colspan=\"7\"><details><summary>output tail</summary><pre>" +
              escape_html(attempt["output_tail"].get<std::string>()) + "</pre></details></td></tr>";
    }
  }
  if (details.attempts.empty()) body += "<tr><td colspan=\"7\">Not run yet.</td></tr>";
  body += "</tbody></table>";

  body += "<h2>Every column</h2><table class=\"columns\"><tbody>";
  for (const auto& [key, value] : job.items()) {
    if (key == "payload") continue;
    body += "<tr><th>" + escape_html(key) + "</th><td>" + escape_html(text_of(value)) + "</td></tr>";
  }
  return body + "</tbody></table>";
}

}  // namespace spawnq
