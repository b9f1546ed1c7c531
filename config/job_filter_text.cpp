#include "job_filter_text.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>

#include "common/errors.hpp"
#include "duration.hpp"

namespace spawnq {

JobFilter parse_job_filter(const JobFilterText& text, const std::vector<JobStatus>& allowed,
                           const std::vector<JobStatus>& unset, const std::string& prefix) {
  JobFilter filter;
  filter.queue = text.queue;
  filter.statuses = text.statuses ? parse_status_list(*text.statuses, allowed, prefix + "status") : unset;
  filter.job_type = text.job_type;
  filter.error = text.error;
  if (text.batch) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.batch->data(), text.batch->data() + text.batch->size(), id);
    if (text.batch->empty() || ec != std::errc() || end != text.batch->data() + text.batch->size() || id < 1) {
      throw UsageError(prefix + "batch: not a batch id (a positive integer), got '" + *text.batch + "'");
    }
    filter.batch = id;
  }
  if (text.since) {
    if (auto at = normalize_timestamp(*text.since)) {
      filter.created_since = at;
    } else if (auto within = parse_duration(*text.since); within && within->count() > 0) {
      filter.created_within_s = to_seconds(*within);
    } else {
      throw UsageError(prefix + "since: not a duration such as 1h or a timestamp such as 2026-11-23T10:00:00Z, got '" +
                       *text.since + "'");
    }
  }
  return filter;
}

std::vector<JobStatus> parse_status_list(const std::string& text, const std::vector<JobStatus>& allowed,
                                         const std::string& field) {
  std::string names;
  for (JobStatus status : allowed) names += (names.empty() ? "" : ", ") + std::string(to_string(status));
  std::vector<JobStatus> statuses;
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto status = parse_job_status(item);
    if (!status || std::find(allowed.begin(), allowed.end(), *status) == allowed.end()) {
      throw UsageError(field + ": '" + item + "' is not one of " + names);
    }
    if (std::find(statuses.begin(), statuses.end(), *status) == statuses.end()) {
      statuses.push_back(*status);
    }
  }
  if (statuses.empty()) throw UsageError(field + ": name at least one of " + names);
  return statuses;
}

std::optional<std::string> normalize_timestamp(std::string_view text) {
  static const std::regex pattern(
      R"((\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?)"
      R"((Z|[+-]\d{2}(?::?\d{2})?)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, pattern)) return std::nullopt;
  auto number = [&](int group) { return m[group].matched ? std::stoi(m[group].str()) : 0; };
  const std::chrono::year_month_day date{std::chrono::year(number(1)),
                                         std::chrono::month(static_cast<unsigned>(number(2))),
                                         std::chrono::day(static_cast<unsigned>(number(3)))};
  if (!date.ok() || number(4) > 23 || number(5) > 59 || number(6) > 59) return std::nullopt;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", number(1), number(2),
                number(3), number(4), number(5), number(6));
  std::string zone = m[8].matched && m[8].str() != "Z" ? m[8].str() : "+00:00";
  if (zone.size() == 3) zone += ":00";  // +02 → +02:00
  if (zone.size() == 5) zone.insert(3, ":");  // +0200 → +02:00
  return std::string(buffer) + m[7].str() + zone;
}

}  // namespace spawnq
