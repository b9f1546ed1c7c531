// The delay before the next attempt, from the configured backoff table
// (docs/SPEC.md §5): backoff[attempt-1], the last entry repeating. Pure function.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

namespace spawnq {

// `attempt` is the number of the attempt that just failed (1 for the first).
// A job's own retry_after, when it gave one, wins over the table.
std::chrono::milliseconds backoff_delay(const std::vector<std::chrono::milliseconds>& table,
                                        int attempt,
                                        std::optional<std::chrono::milliseconds> retry_after);

}  // namespace spawnq
