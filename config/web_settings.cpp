#include "web_settings.hpp"

#include <filesystem>
#include <regex>

#include "common/enum_names.hpp"
#include "yaml_field.hpp"

namespace spawnq {

namespace {

constexpr EnumNames<WebRole, 3> kRoleNames = {{{
    {WebRole::viewer, "viewer"},
    {WebRole::operator_role, "operator"},
    {WebRole::admin, "admin"},
}}};

std::string readable_file(const YamlField& field, const std::string& base_dir) {
  std::filesystem::path file(field.as_string());
  if (file.is_relative()) file = std::filesystem::path(base_dir) / file;
  if (!std::filesystem::is_regular_file(file)) field.fail("no such file: " + file.string());
  return file.lexically_normal().string();
}

WebUser read_user(const std::string& name, const YamlField& body) {
  // HTTP Basic sends "name:password", so a name may hold no colon.
  if (name.empty() || name.find(':') != std::string::npos || name.find_first_of(" \t") != std::string::npos) {
    body.fail("a user name may not be empty or hold a colon or a space");
  }
  const Fields f = body.fields({"password_hash", "role"});
  WebUser user;
  if (!f.count("password_hash")) body.fail("needs password_hash (make one with `spawnq hash-password`)");
  with(f, "password_hash", [&](const YamlField& v) {
    user.password_hash = v.as_string();
    // Never echo the value: it is a secret too.
    if (user.password_hash.rfind("$argon2id$", 0) != 0) {
      v.fail("must be an argon2id hash from `spawnq hash-password` (it starts with $argon2id$)");
    }
  });
  if (!f.count("role")) body.fail("needs role: viewer, operator or admin");
  with(f, "role", [&](const YamlField& v) {
    const std::string role = v.as_string();
    const auto parsed = parse_web_role(role);
    if (!parsed) v.fail("must be viewer, operator or admin, got '" + role + "'");
    user.role = *parsed;
  });
  return user;
}

}  // namespace

std::string_view to_string(WebRole role) { return kRoleNames.name(role); }

std::optional<WebRole> parse_web_role(std::string_view text) { return kRoleNames.parse(text); }

WebSettings read_web_settings(const YamlField& section, const std::string& base_dir) {
  WebSettings web;
  if (section.is_null()) return web;
  const Fields f = section.fields({"listen", "users", "show_payloads", "tls"});
  with(f, "listen", [&](const YamlField& v) {
    static const std::regex host_port(R"((\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):\d{1,5})");
    const std::string value = v.as_string();
    if (!std::regex_match(value, host_port)) {
      v.fail("must be IP:PORT such as 127.0.0.1:9465 or [::1]:9465, got '" + value + "'");
    }
    web.listen = value;
  });
  with(f, "users", [&](const YamlField& v) {
    if (v.is_null()) return;
    for (const auto& [name, body] : v.entries()) web.users.emplace(name, read_user(name, body));
  });
  with(f, "show_payloads", [&](const YamlField& v) { web.show_payloads = v.as_bool(); });
  with(f, "tls", [&](const YamlField& v) {
    const Fields tls = v.fields({"cert", "key"});
    if (!tls.count("cert") || !tls.count("key")) v.fail("needs both cert and key");
    web.tls = WebTls{readable_file(tls.at("cert"), base_dir), readable_file(tls.at("key"), base_dir)};
  });
  return web;
}

}  // namespace spawnq
