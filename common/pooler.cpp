#include "pooler.hpp"

namespace spawnq {

std::optional<Pooler> parse_pooler(std::string_view text) {
  if (text == "none") return Pooler::none;
  if (text == "transaction") return Pooler::transaction;
  return std::nullopt;
}

std::optional<std::string> session_url_for(Pooler pooler, const std::string& url,
                                           const std::optional<std::string>& session_url) {
  if (pooler == Pooler::none) return url;
  return session_url;
}

std::string_view to_string(Pooler pooler) { return pooler == Pooler::none ? "none" : "transaction"; }

}  // namespace spawnq
