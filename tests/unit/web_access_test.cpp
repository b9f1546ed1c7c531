#include "web/access.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

namespace {

// "alice:right" and "bob:right" in HTTP Basic.
const std::string kAlice = "Basic YWxpY2U6cmlnaHQ=";
const std::string kBob = "Basic Ym9iOnJpZ2h0";

const std::map<std::string, WebUser> kUsers = {
    {"alice", {"hash-a", WebRole::admin}},
    {"bob", {"hash-b", WebRole::viewer}},
};

bool check(const std::string&, std::string_view password) { return password == "right"; }
std::string token_of(const std::string& user) { return "token-" + user; }

AccessDecision decide(const AccessRequest& r, const std::map<std::string, WebUser>& users = kUsers) {
  return decide_access(r, users, check, token_of);
}

AccessRequest post(WebPermission needs, const std::string& authorization) {
  AccessRequest r;
  r.is_post = true;
  r.needs = needs;
  r.authorization = authorization;
  r.own_origin = "http://127.0.0.1:9465";
  r.origin = r.own_origin;
  r.json_body = true;
  return r;
}

}  // namespace

TEST_CASE("web access: no users means an anonymous viewer who may read but never act") {
  AccessRequest read;
  CHECK(decide(read, {}).status == 200);
  CHECK_FALSE(decide(read, {}).user);
  CHECK(decide(post(WebPermission::operate, kAlice), {}).status == 403);
}

TEST_CASE("web access: missing or wrong credentials are 401, the same for an unknown user") {
  AccessRequest read;
  CHECK(decide(read).status == 401);
  read.authorization = "Basic not base64!";
  CHECK(decide(read).status == 401);
  read.authorization = "Bearer abc";
  CHECK(decide(read).status == 401);
  read.authorization = "Basic YWxpY2U6d3Jvbmc=";  // alice:wrong
  const AccessDecision wrong = decide(read);
  read.authorization = "Basic bWFsbG9yeTpyaWdodA==";  // mallory:right
  const AccessDecision unknown = decide(read);
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.reason == unknown.reason);
  read.authorization = kAlice;
  const AccessDecision ok = decide(read);
  CHECK(ok.status == 200);
  CHECK(ok.user == "alice");
  CHECK(ok.role == WebRole::admin);
}

TEST_CASE("web access: a viewer's action is 403, and an operator may operate but not delete") {
  CHECK(decide(post(WebPermission::operate, kBob)).status == 403);
  const std::map<std::string, WebUser> operators = {{"alice", {"h", WebRole::operator_role}}};
  CHECK(decide(post(WebPermission::operate, kAlice), operators).status == 200);
  CHECK(decide(post(WebPermission::administer, kAlice), operators).status == 403);
  CHECK(decide(post(WebPermission::administer, kAlice)).status == 200);
}

TEST_CASE("web access: a cross-site POST is 403 even with good credentials") {
  AccessRequest r = post(WebPermission::operate, kAlice);
  r.origin = "https://evil.example";
  CHECK(decide(r).status == 403);
  r.origin.reset();
  r.sec_fetch_site = "cross-site";
  CHECK(decide(r).status == 403);
  r.sec_fetch_site = "same-origin";
  CHECK(decide(r).status == 200);
}

TEST_CASE("web access: a form POST must carry the session's token, a JSON one needs none") {
  AccessRequest r = post(WebPermission::operate, kAlice);
  r.json_body = false;
  CHECK(decide(r).status == 403);
  r.form_token = "token-bob";
  CHECK(decide(r).status == 403);
  r.form_token = "token-alice";
  CHECK(decide(r).status == 200);
}

TEST_CASE("web access: roles and Basic credentials read as configured and sent") {
  for (WebRole role : {WebRole::viewer, WebRole::operator_role, WebRole::admin}) {
    CHECK(parse_web_role(to_string(role)) == role);
  }
  CHECK_FALSE(parse_web_role("root"));
  CHECK(parse_basic_credentials(kAlice) == std::make_pair(std::string("alice"), std::string("right")));
  CHECK(parse_basic_credentials("Basic YTpiOmM=") == std::make_pair(std::string("a"), std::string("b:c")));
  CHECK_FALSE(parse_basic_credentials("Basic OnBhc3M="));  // ":pass": no user
}
