// The overview's chart: one bar per minute, failed stacked on done, scaled
// to the busiest minute. Plain SVG, so it needs no script and no library.
#include <algorithm>
#include <cstdio>

#include "pages.hpp"

namespace spawnq {

std::string render_chart(const std::vector<std::int64_t>& done, const std::vector<std::int64_t>& failed) {
  constexpr int kWidth = 600;
  constexpr int kHeight = 80;
  const std::size_t minutes = std::min(done.size(), failed.size());
  std::int64_t busiest = 1;
  std::int64_t total_done = 0;
  std::int64_t total_failed = 0;
  for (std::size_t i = 0; i < minutes; ++i) {
    busiest = std::max(busiest, done[i] + failed[i]);
    total_done += done[i];
    total_failed += failed[i];
  }
  const double bar = minutes == 0 ? 0 : static_cast<double>(kWidth) / static_cast<double>(minutes);
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" role=\"img\" aria-label=\"jobs finished per minute over the last hour: " +
                    format_count(total_done) + " done, " + format_count(total_failed) + " failed\">";
  char rect[200];
  for (std::size_t i = 0; i < minutes; ++i) {
    const double x = static_cast<double>(i) * bar;
    const double done_h = kHeight * static_cast<double>(done[i]) / static_cast<double>(busiest);
    const double failed_h = kHeight * static_cast<double>(failed[i]) / static_cast<double>(busiest);
    if (done[i] > 0) {
      std::snprintf(rect, sizeof rect, "<rect class=\"done\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                    x, kHeight - done_h, bar * 0.8, done_h);
      svg += rect + std::string("<title>") + std::to_string(minutes - 1 - i) + " min ago: " +
             format_count(done[i]) + " done</title></rect>";
    }
    if (failed[i] > 0) {
      std::snprintf(rect, sizeof rect, "<rect class=\"failed\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                    x, kHeight - done_h - failed_h, bar * 0.8, failed_h);
      svg += rect + std::string("<title>") + std::to_string(minutes - 1 - i) + " min ago: " +
             format_count(failed[i]) + " failed</title></rect>";
    }
  }
  return svg + "</svg>";
}

}  // namespace spawnq
