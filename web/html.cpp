#include "html.hpp"

#include <cmath>
#include <cstdio>

namespace spawnq {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_page(const PageFrame& frame, const std::string& body) {
  static const std::pair<const char*, const char*> kNavigation[] = {
      {"/", "Overview"},   {"/jobs", "Jobs"},           {"/failures", "Failures"},
      {"/batches", "Batches"}, {"/daemons", "Daemons"}, {"/schedules", "Schedules"}, {"/audit", "Audit"},
  };
  std::string nav;
  for (const auto& [href, label] : kNavigation) {
    nav += std::string("<a href=\"") + href + "\"" + (frame.active == href ? " class=\"active\"" : "") + ">" +
           label + "</a>";
  }
  const std::string who = frame.user.empty() ? "read-only (no users configured)"
                                             : escape_html(frame.user) + " · " + escape_html(frame.role);
  std::string notice;
  if (!frame.notice.empty()) {
    notice = std::string("<p class=\"notice") + (frame.notice_is_error ? " error" : "") + "\" role=\"status\">" +
             escape_html(frame.notice) + "</p>";
  }
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + escape_html(frame.title) + " · spawnq</title>"
         "<meta name=\"spawnq-token\" content=\"" + escape_html(frame.form_token) + "\">"
         "<link rel=\"stylesheet\" href=\"/assets/console.css\">"
         "<script src=\"/assets/console.js\" defer></script></head>"
         "<body><header><a class=\"brand\" href=\"/\">spawnq</a><nav>" + nav + "</nav><span class=\"who\">" + who +
         "</span></header><main><h1>" + escape_html(frame.title) + "</h1>" + notice + body +
         "</main></body></html>\n";
}

std::string form_fields(const PageFrame& frame, const std::string& return_to) {
  return "<input type=\"hidden\" name=\"token\" value=\"" + escape_html(frame.form_token) +
         "\"><input type=\"hidden\" name=\"return_to\" value=\"" + escape_html(return_to) + "\">";
}

std::string format_count(std::int64_t count, bool capped) {
  std::string digits = std::to_string(count);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return capped ? digits + "+" : digits;
}

std::string format_age(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, seconds < 10 ? "%.1fs" : "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%dm %ds", static_cast<int>(seconds / 60), static_cast<int>(seconds) % 60);
  } else if (seconds < 86400) {
    std::snprintf(text, sizeof text, "%dh %dm", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60) % 60);
  } else {
    std::snprintf(text, sizeof text, "%dd %dh", static_cast<int>(seconds / 86400),
                  static_cast<int>(seconds / 3600) % 24);
  }
  return text;
}

}  // namespace spawnq
