#include "duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace spawnq {
namespace {

struct Unit {
  std::string_view suffix;
  double ms;
};

// "ms" before "m" and "s": the longest suffix must win.
constexpr Unit kUnits[] = {{"ms", 1.0}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  double scale = 1e3;  // a bare number is seconds
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      text.remove_suffix(unit.suffix.size());
      scale = unit.ms;
      break;
    }
  }
  // Digits and one optional decimal point only: from_chars alone would also
  // take "1e3", "inf" and "nan".
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  const double ms = value * scale;
  // Ten years is far beyond any sane setting and keeps the cast defined.
  if (!std::isfinite(ms) || ms > 315'360'000'000.0) return std::nullopt;
  return Duration(std::llround(ms));
}

std::string format_duration(Duration d) {
  const auto ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace spawnq
