// Durations as the config and the command line write them: "250ms", "30s",
// "5m", "2h", or a bare number of seconds ("1.5"). Pure functions, no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace spawnq {

using Duration = std::chrono::milliseconds;

// Returns nullopt for anything that is not one of the forms above, including
// negative values, empty strings and trailing garbage.
std::optional<Duration> parse_duration(std::string_view text);

// The shortest exact form in the largest unit: 90000ms → "90s", 7200000 → "2h".
std::string format_duration(Duration d);

// Seconds as a double, the unit SQL intervals are built from.
inline double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace spawnq
