// A running `spawnq web` for a test: its own config (three users, one per
// role, unless told otherwise), its port, and calls as one of its users.
#pragma once

#include <memory>
#include <string>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/test_database.hpp"

namespace spawnq::test {

// The users every console of the tests knows, with passwords "<name>-pw".
extern const char* const kAdmin;     // alice
extern const char* const kOperator;  // olga
extern const char* const kViewer;    // vic

// The web: section with those three users.
std::string web_users_yaml();

class WebConsole {
 public:
  // `config_yaml` is the whole config; the console listens on 127.0.0.1:0.
  WebConsole(const TestDatabase& db, const std::string& config_yaml);
  // The same, with the database at `database_url` (a pooler in front of it, say).
  WebConsole(const std::string& database_url, const std::string& config_yaml);

  unsigned short port() const { return port_; }
  DaemonProcess& process() { return *process_; }

  HttpAnswer get(const std::string& target, const std::string& user = "") const;
  // A JSON POST, as a script would send it.
  HttpAnswer post_json(const std::string& target, const std::string& json, const std::string& user) const;
  // A form POST, as a browser would send it from one of the console's pages.
  HttpAnswer post_form(const std::string& target, const std::string& form, const std::string& user) const;
  // A GET over TLS (web.tls), trusting the console's certificate whatever it is.
  HttpAnswer https_get(const std::string& target, const std::string& user) const;
  // The form token from a page the user was served.
  std::string form_token(const std::string& user) const;

 private:
  std::unique_ptr<DaemonProcess> process_;
  unsigned short port_ = 0;
};

}  // namespace spawnq::test
