// Who may do what in the web console: one pure decision per request, from
// the request's headers and the configured users, so that every rule of
// docs/SPEC.md (closed by default, 401, 403, cross-site refusals, the form
// token) is tested without a server. The server only carries it out.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/web_settings.hpp"

namespace spawnq {

// What a route needs: reading; retry, cancel, pause, resume and run a
// schedule now; deleting.
enum class WebPermission { read, operate, administer };

struct AccessRequest {
  bool is_post = false;
  WebPermission needs = WebPermission::read;
  std::optional<std::string> authorization;   // the Authorization header
  std::optional<std::string> origin;          // the Origin header
  std::optional<std::string> sec_fetch_site;  // the Sec-Fetch-Site header
  std::string own_origin;                     // "http://127.0.0.1:9465": the console's own
  // A JSON body (Content-Type: application/json) cannot come from another
  // site's form without a CORS preflight, which the console never grants;
  // every other POST is a form's and must carry the session's token.
  bool json_body = false;
  std::optional<std::string> form_token;
};

struct AccessDecision {
  unsigned status = 200;     // 200: go on; 401 or 403: refused
  std::string reason;        // for the answer and the log; never a password or hash
  std::optional<std::string> user;
  WebRole role = WebRole::viewer;
};

// Checks a password against a hash; the server's remembers good checks.
using PasswordCheck = std::function<bool(const std::string& hash, std::string_view password)>;

// With no users configured every request is an anonymous viewer's (the
// server listens only on loopback then). `expected_token` is the token the
// server issued to this user's session; a form POST must carry it.
AccessDecision decide_access(const AccessRequest& request, const std::map<std::string, WebUser>& users,
                             const PasswordCheck& check,
                             const std::function<std::string(const std::string& user)>& expected_token);

// Whether a user of `role` may do what `needs` names.
bool role_allows(WebRole role, WebPermission needs);

// "Basic dXNlcjpwYXNz" → {"user", "pass"}; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_credentials(std::string_view header);

}  // namespace spawnq
