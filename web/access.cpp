#include "access.hpp"

#include <sodium.h>

#include <utility>
#include <vector>

namespace spawnq {

bool role_allows(WebRole role, WebPermission needs) {
  switch (needs) {
    case WebPermission::read:
      return true;
    case WebPermission::operate:
      return role == WebRole::operator_role || role == WebRole::admin;
    case WebPermission::administer:
      return role == WebRole::admin;
  }
  return false;
}

namespace {

AccessDecision refuse(unsigned status, std::string reason) {
  AccessDecision d;
  d.status = status;
  d.reason = std::move(reason);
  return d;
}

// A POST from another site is refused before any credential is looked at:
// a browser sends the user's saved Basic credentials along with it.
std::optional<AccessDecision> cross_site_refusal(const AccessRequest& request) {
  if (!request.is_post) return std::nullopt;
  if (request.sec_fetch_site && *request.sec_fetch_site == "cross-site") {
    return refuse(403, "refused: a cross-site request (Sec-Fetch-Site: cross-site)");
  }
  if (request.origin && *request.origin != request.own_origin) {
    return refuse(403, "refused: Origin " + *request.origin + " is not this console's (" + request.own_origin + ")");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_basic_credentials(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (header.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  const std::string_view encoded = header.substr(kScheme.size());
  std::vector<unsigned char> decoded(encoded.size());
  std::size_t length = 0;
  if (sodium_base642bin(decoded.data(), decoded.size(), encoded.data(), encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  const std::string text(decoded.begin(), decoded.begin() + static_cast<std::ptrdiff_t>(length));
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
}

AccessDecision decide_access(const AccessRequest& request, const std::map<std::string, WebUser>& users,
                             const PasswordCheck& check,
                             const std::function<std::string(const std::string& user)>& expected_token) {
  if (auto refused = cross_site_refusal(request)) return *refused;
  if (users.empty()) {
    // Closed by default: no users, nobody acts.
    if (request.needs != WebPermission::read) {
      return refuse(403, "refused: no web.users are configured, so the console is read-only");
    }
    return AccessDecision{};
  }
  if (!request.authorization) return refuse(401, "credentials required");
  const auto credentials = parse_basic_credentials(*request.authorization);
  if (!credentials) return refuse(401, "credentials required (HTTP Basic)");
  const auto user = users.find(credentials->first);
  // The same answer for an unknown user and a wrong password.
  if (user == users.end() || !check(user->second.password_hash, credentials->second)) {
    return refuse(401, "wrong user or password");
  }
  if (!role_allows(user->second.role, request.needs)) {
    return refuse(403, "refused: " + user->first + " is a " + std::string(to_string(user->second.role)) +
                           ", who may not do this");
  }
  if (request.is_post && !request.json_body &&
      (!request.form_token || *request.form_token != expected_token(user->first))) {
    return refuse(403, "refused: the form's token is stale or wrong; reload the page");
  }
  AccessDecision allowed;
  allowed.user = user->first;
  allowed.role = user->second.role;
  return allowed;
}

}  // namespace spawnq
