// A job filter as people write it — on the command line (`spawnq jobs
// --status=failed,dead --since=1h`) or in the console's URL
// (/jobs?status=failed,dead&since=1h) — read into a JobFilter, with one
// message per mistake that names the field. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/job_search.hpp"

namespace spawnq {

struct JobFilterText {
  std::optional<std::string> queue;
  std::optional<std::string> statuses;  // "failed,dead"
  std::optional<std::string> job_type;
  std::optional<std::string> error;
  std::optional<std::string> since;     // a duration (1h) or a timestamp
  std::optional<std::string> batch;     // a batch id

  bool any() const { return queue || statuses || job_type || error || since || batch; }
};

// `statuses` may name only `allowed`; without it the filter takes `unset`
// (empty: every status). `prefix` goes before each field's name in an
// error: "--" for flags, "" for the console.
JobFilter parse_job_filter(const JobFilterText& text, const std::vector<JobStatus>& allowed,
                           const std::vector<JobStatus>& unset, const std::string& prefix);

// A comma-separated list, each one a status in `allowed`; `field` names it
// in the error.
std::vector<JobStatus> parse_status_list(const std::string& text, const std::vector<JobStatus>& allowed,
                                         const std::string& field = "--status");

// A strict ISO 8601 timestamp ("2026-11-23T10:00:00Z", "2026-11-23 10:00",
// "2026-11-23T10:00:00.5+02:00", "2026-11-23"); no zone means UTC. Returns it
// in a form PostgreSQL reads unambiguously, or nullopt.
std::optional<std::string> normalize_timestamp(std::string_view text);

}  // namespace spawnq
