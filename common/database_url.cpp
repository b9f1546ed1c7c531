#include "database_url.hpp"

#include <cctype>
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

namespace {

bool is_uri(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string percent_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string with_connection_option(const std::string& url, const std::string& key, const std::string& value) {
  if (!is_uri(url)) return key + "=" + quoted(value) + (url.empty() ? "" : " " + url);
  if (std::regex_search(url, std::regex("[?&]" + key + "="))) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + key + "=" + percent_encoded(value);
}

}  // namespace spawnq
