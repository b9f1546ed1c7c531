// The console's stylesheet and script (web/assets/), compiled into the
// binary by cmake/embed_assets.cmake and served at /assets/NAME.
#pragma once

#include <optional>
#include <string_view>

namespace spawnq {

struct ConsoleAsset {
  std::string_view content_type;
  std::string_view body;
};

std::optional<ConsoleAsset> console_asset(std::string_view path);

}  // namespace spawnq
