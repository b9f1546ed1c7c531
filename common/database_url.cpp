#include "database_url.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <algorithm>
#include <memory>
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

std::optional<std::string> several_hosts_problem(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(url.c_str(), &error),
                                                                        &PQconninfoFree);
  PQfreemem(error);
  if (!options) return std::nullopt;
  std::size_t hosts = 1;
  std::string attrs;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    const std::string key = o->keyword, value = o->val;
    if (key == "host" || key == "hostaddr") {
      hosts = std::max(hosts, 1 + static_cast<std::size_t>(std::count(value.begin(), value.end(), ',')));
    }
    if (key == "target_session_attrs") attrs = value;
  }
  if (hosts < 2 || attrs == "read-write" || attrs == "primary") return std::nullopt;
  return "names " + std::to_string(hosts) + " hosts but not target_session_attrs=read-write (" +
         (attrs.empty() ? "it has none" : "it has " + attrs) +
         "): spawnq could connect to a standby, where every write fails";
}

}  // namespace spawnq
