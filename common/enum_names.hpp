// The words an enum is written with (in the CLI, the config, the JSON API),
// kept in one table per enum so that printing and reading can never drift
// apart.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace spawnq {

template <typename Enum, std::size_t N>
struct EnumNames {
  std::array<std::pair<Enum, std::string_view>, N> names;

  constexpr std::string_view name(Enum value) const {
    for (const auto& [v, text] : names) {
      if (v == value) return text;
    }
    return "?";
  }
  constexpr std::optional<Enum> parse(std::string_view text) const {
    for (const auto& [v, word] : names) {
      if (word == text) return v;
    }
    return std::nullopt;
  }
};

}  // namespace spawnq
