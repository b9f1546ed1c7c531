// The web: section of the config: what it reads, what it refuses (file:line,
// key, why), and that check-config never prints a password hash.
#include "config/web_settings.hpp"

#include <catch2/catch.hpp>

#include "config/config_emitter.hpp"
#include "config/config_loader.hpp"

using namespace spawnq;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";

Config parse(const std::string& yaml) { return parse_config(yaml, "w.yaml", "/tmp"); }

}  // namespace

TEST_CASE("web settings: the defaults are loopback, no users, payloads shown, no TLS") {
  const WebSettings web = parse("queues: { default: }").web;
  CHECK(web.listen == "127.0.0.1:9465");
  CHECK(web.users.empty());
  CHECK(web.show_payloads);
  CHECK_FALSE(web.tls);
}

TEST_CASE("web settings: listen, users with roles, show_payloads and TLS files are read") {
  const WebSettings web = parse("web:\n  listen: 0.0.0.0:8080\n  show_payloads: false\n  users:\n"
                                "    alice: { password_hash: \"" + kHash + "\", role: admin }\n"
                                "    bob: { password_hash: \"" + kHash + "\", role: viewer }\n"
                                "  tls: { cert: /etc/hostname, key: /etc/hostname }\n")
                              .web;
  CHECK(web.listen == "0.0.0.0:8080");
  CHECK_FALSE(web.show_payloads);
  REQUIRE(web.users.size() == 2);
  CHECK(web.users.at("alice").role == WebRole::admin);
  CHECK(web.users.at("alice").password_hash == kHash);
  CHECK(web.users.at("bob").role == WebRole::viewer);
  REQUIRE(web.tls);
  CHECK(web.tls->cert == "/etc/hostname");
}

TEST_CASE("web settings: a bad entry is refused with file, line, key and why, never echoing a hash") {
  const auto refused = [](const std::string& yaml, const std::string& message) {
    INFO(yaml);
    CHECK_THROWS_WITH(parse(yaml), Equals(message));
  };
  refused("web: { listen: localhost:80 }",
          "w.yaml:1: web.listen: must be IP:PORT such as 127.0.0.1:9465 or [::1]:9465, got 'localhost:80'");
  refused("web:\n  users:\n    alice: { password_hash: 5e88489, role: admin }\n",
          "w.yaml:3: web.users.alice.password_hash: must be an argon2id hash from `spawnq hash-password` "
          "(it starts with $argon2id$)");
  refused("web:\n  users:\n    alice: { password_hash: \"" + kHash + "\", role: root }\n",
          "w.yaml:3: web.users.alice.role: must be viewer, operator or admin, got 'root'");
  refused("web:\n  users:\n    alice: { role: admin }\n",
          "w.yaml:3: web.users.alice: needs password_hash (make one with `spawnq hash-password`)");
  refused("web:\n  users:\n    alice: { password_hash: \"" + kHash + "\" }\n",
          "w.yaml:3: web.users.alice: needs role: viewer, operator or admin");
  refused("web: { show_payloads: maybe }", "w.yaml:1: web.show_payloads: must be true or false, got 'maybe'");
  refused("web: { tls: { cert: /etc/hostname } }", "w.yaml:1: web.tls: needs both cert and key");
  refused("web: { tls: { cert: /no/such.crt, key: /etc/hostname } }",
          "w.yaml:1: web.tls.cert: no such file: /no/such.crt");
  refused("web: { port: 80 }", "w.yaml:1: web.port: unknown key (known keys: listen, users, show_payloads, tls)");
}

TEST_CASE("web settings: check-config shows the users and roles but never a hash, and loads back") {
  const Config config = parse("web:\n  users:\n    alice: { password_hash: \"" + kHash + "\", role: operator }\n");
  const std::string yaml = to_yaml(config);
  CHECK_THAT(yaml, Contains("alice"));
  CHECK_THAT(yaml, Contains("operator"));
  CHECK(yaml.find(kHash) == std::string::npos);
  CHECK(yaml.find("c2FsdHNhbHRzYWx0") == std::string::npos);
  const Config again = parse_config(yaml, "again.yaml", "/tmp");
  CHECK(again.web.users.at("alice").role == WebRole::operator_role);
  CHECK(again.web.listen == config.web.listen);
}
