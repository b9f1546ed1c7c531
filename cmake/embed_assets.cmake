# Writes a C++ source holding every file under ASSET_DIR, served by the web
# console at /assets/NAME, so that `spawnq web` needs no files beside the
# binary and no CDN.
# Usage: cmake -DASSET_DIR=... -DOUTPUT=... -P embed_assets.cmake
file(GLOB files RELATIVE "${ASSET_DIR}" "${ASSET_DIR}/*")
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ "${ASSET_DIR}/${name}" text)
  string(FIND "${text}" ")spawnq_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )spawnq_asset\"")
  endif()
  if(name MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  elseif(name MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  else()
    message(FATAL_ERROR "${name}: no content type known for it")
  endif()
  string(APPEND body "      {\"/assets/${name}\", {\"${type}\", R\"spawnq_asset(${text})spawnq_asset\"}},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from web/assets/ by cmake/embed_assets.cmake; do not edit.
#include \"web/console_assets.hpp\"

#include <map>
#include <string>

namespace spawnq {

std::optional<ConsoleAsset> console_asset(std::string_view path) {
  static const std::map<std::string, ConsoleAsset, std::less<>> assets = {
${body}  };
  const auto it = assets.find(path);
  if (it == assets.end()) return std::nullopt;
  return it->second;
}

}  // namespace spawnq
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
