#include "database_url.hpp"

#include <regex>

namespace spawnq {

std::string redact_database_url(const std::string& url) {
  // postgresql://user:secret@host/db (an unescaped @ in the secret reaches
  // the last @ before the path), ...?password=secret, and password=secret
  static const std::regex in_authority(R"(^(postgres(?:ql)?://[^:/@]*:)[^/]*@)");
  static const std::regex in_query(R"(([?&]password=)[^&]*)");
  static const std::regex in_keywords(R"((^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+))");
  std::string redacted = std::regex_replace(url, in_authority, "$1***@");
  redacted = std::regex_replace(redacted, in_query, "$1***");
  return std::regex_replace(redacted, in_keywords, "$1password=***");
}

}  // namespace spawnq
