// How the admin commands read the flag values they share: a status list, a
// duration, a lower bound and the --queue filter. A bad value is a UsageError
// (exit 2) that names the flag, worded the same by every command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/job.hpp"
#include "config/duration.hpp"
#include "config/job_filter_text.hpp"

namespace spawnq {

enum class DurationBound { non_negative, positive };

// A duration flag such as --timeout 5m; `flag` names it in the error.
Duration parse_duration_flag(const std::string& flag, const std::string& text,
                             DurationBound bound = DurationBound::non_negative);

// Throws unless value ≥ minimum: "--limit: must be ≥ 1, got 0".
void require_at_least(const std::string& flag, std::int64_t value, std::int64_t minimum);

// --queue, for the commands that can be narrowed to one queue.
void add_queue_filter(CLI::App& command, std::optional<std::string>& queue);

// Job ids given as arguments: each ≥ 1 ("ID: must be ≥ 1, got 0"), each
// once, in the order first given.
std::vector<JobId> distinct_job_ids(const std::vector<std::int64_t>& ids);

// "3 jobs", "1 job": what the commands print after changing jobs.
std::string counted(std::size_t count, const std::string& noun);

}  // namespace spawnq
