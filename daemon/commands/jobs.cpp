// spawnq jobs: find jobs by queue, status, type, error text and age, newest
// first, one line each (or one JSON document), a page at a time.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common/errors.hpp"
#include "common/job_search_json.hpp"
#include "common/sql_values.hpp"
#include "flag_values.hpp"
#include "job_filter_flags.hpp"

namespace spawnq {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 10000;

struct JobsFlags {
  JobFilterFlags filter;
  std::int64_t limit = kDefaultLimit;
  std::optional<std::int64_t> before_id;
  bool json = false;
};

JobFilter to_filter(const JobsFlags& flags) {
  JobFilter filter = to_filter(flags.filter, {kAllStatuses.begin(), kAllStatuses.end()}, {});
  if (flags.before_id) {
    require_at_least("--before-id", *flags.before_id, 1);
    filter.before_id = *flags.before_id;
  }
  return filter;
}

// "45s", "12m", "3h", "2d": how long ago, to a glance.
std::string age_text(double seconds) {
  const auto s = static_cast<long long>(seconds < 0 ? 0 : seconds);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string attempts_text(const JobLine& job) {
  return std::to_string(job.attempts) + (job.max_attempts ? "/" + std::to_string(*job.max_attempts) : "");
}

void print_table(const JobPage& page) {
  std::printf("%-10s %-16s %-20s %-11s %-8s %-5s %s\n", "ID", "QUEUE", "TYPE", "STATUS", "ATTEMPTS", "AGE",
              "ERROR");
  for (const JobLine& job : page.jobs) {
    std::printf("%-10lld %-16s %-20s %-11s %-8s %-5s %s\n", static_cast<long long>(job.id), job.queue.c_str(),
                job.job_type.c_str(), std::string(to_string(job.status)).c_str(), attempts_text(job).c_str(),
                age_text(job.age_s).c_str(), job.error.value_or("").c_str());
  }
  if (page.next_before_id) std::printf("more: --before-id=%lld\n", static_cast<long long>(*page.next_before_id));
}

void print_json(const JobPage& page) { std::cout << to_json(page).dump(2) << "\n"; }

}  // namespace

Command add_jobs_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<JobsFlags>(app, "jobs", "Find jobs, newest first");
  add_job_filter_flags(*sub, flags->filter, "Any of these statuses, comma-separated");
  sub->add_option("--limit", flags->limit, "At most this many jobs (default 50)");
  sub->add_option("--before-id", flags->before_id, "The next page: jobs with ids below this one");
  sub->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags] {
            const JobFilter filter = to_filter(*flags);
            require_at_least("--limit", flags->limit, 1);
            if (flags->limit > kMaxLimit) {
              throw UsageError("--limit: must be ≤ " + std::to_string(kMaxLimit) + ", got " +
                               std::to_string(flags->limit));
            }
            const JobPage page = ctx.store().search().find(filter, static_cast<int>(flags->limit));
            if (flags->json) print_json(page);
            else print_table(page);
          }};
}

}  // namespace spawnq
