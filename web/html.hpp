// Writing the console's HTML: escaping every text that came from a job, a
// user or the database, and the frame every page shares (title, navigation,
// the embedded stylesheet and script). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spawnq {

// For text and attribute values alike: & < > " ' are escaped.
std::string escape_html(std::string_view text);

// What the frame needs to know about the request.
struct PageFrame {
  std::string title;
  std::string active;                // the navigation entry to mark: "/", "/jobs", …
  std::string user;                  // empty: the anonymous viewer
  std::string role;                  // "viewer", "operator", "admin"
  std::string form_token;            // goes into every form as the hidden field `token`
  std::string notice;                // a line of news from the previous action, if any
  bool notice_is_error = false;
};

// The whole document around `body`.
std::string render_page(const PageFrame& frame, const std::string& body);

// A hidden `token` field and a `return_to` field: what every action form carries.
std::string form_fields(const PageFrame& frame, const std::string& return_to);

// "12", "1,234", "10,000+"
std::string format_count(std::int64_t count, bool capped = false);
// 0.4 → "0.4s", 75 → "1m 15s", 7200 → "2h 0m", 200000 → "2d 7h"
std::string format_age(double seconds);

}  // namespace spawnq
