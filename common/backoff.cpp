#include "backoff.hpp"

#include <algorithm>

namespace spawnq {

std::chrono::milliseconds backoff_delay(const std::vector<std::chrono::milliseconds>& table,
                                        int attempt,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  if (retry_after) return std::max(*retry_after, std::chrono::milliseconds(0));
  if (table.empty()) return std::chrono::milliseconds(0);
  const auto index = static_cast<std::size_t>(std::max(attempt, 1) - 1);
  return table[std::min(index, table.size() - 1)];
}

}  // namespace spawnq
