// The `web:` section of the config (docs/SPEC.md §2): where the console
// listens, who may use it and with which role, whether payloads show, and
// TLS. Read by read_web_settings(); used by `spawnq web`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spawnq {

class YamlField;

// viewer: reads; operator: + retry, cancel, pause, resume, run a schedule
// now; admin: + delete.
enum class WebRole { viewer, operator_role, admin };

std::string_view to_string(WebRole role);
std::optional<WebRole> parse_web_role(std::string_view text);

struct WebUser {
  std::string password_hash;  // argon2id, from `spawnq hash-password`
  WebRole role = WebRole::viewer;
};

struct WebTls {
  std::string cert;  // PEM files, resolved against the config's folder
  std::string key;
};

struct WebSettings {
  std::string listen = "127.0.0.1:9465";
  std::map<std::string, WebUser> users;  // none: read-only, and loopback only
  bool show_payloads = true;             // false: payloads and output tails hidden everywhere
  std::optional<WebTls> tls;
};

WebSettings read_web_settings(const YamlField& section, const std::string& base_dir);

}  // namespace spawnq
