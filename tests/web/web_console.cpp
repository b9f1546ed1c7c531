#include "web/web_console.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <regex>
#include <stdexcept>

#include "support/wait_until.hpp"
#include "web/password_hash.hpp"

namespace spawnq::test {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

const char* const kAdmin = "alice";
const char* const kOperator = "olga";
const char* const kViewer = "vic";

std::string web_users_yaml() {
  // Hashed once per test program: argon2id is slow on purpose.
  static const std::string users = [] {
    std::string yaml = "web:\n  users:\n";
    const std::pair<const char*, const char*> roles[] = {{kAdmin, "admin"}, {kOperator, "operator"}, {kViewer, "viewer"}};
    for (const auto& [name, role] : roles) {
      yaml += std::string("    ") + name + ": { password_hash: \"" + hash_password(std::string(name) + "-pw") +
              "\", role: " + role + " }\n";
    }
    return yaml;
  }();
  return users;
}

WebConsole::WebConsole(const TestDatabase& db, const std::string& config_yaml) : WebConsole(db.url(), config_yaml) {}

WebConsole::WebConsole(const std::string& database_url, const std::string& config_yaml)
    : process_(std::make_unique<DaemonProcess>(database_url, config_yaml,
                                               std::vector<std::string>{"web", "--listen=127.0.0.1:0"})) {
  if (!wait_until([&] { return (port_ = web_port_of(*process_)) != 0; }, 15s)) {
    throw std::runtime_error("spawnq web did not start: " + process_->log());
  }
}

namespace {

void authorize(HttpCall& call, const std::string& user) {
  if (!user.empty()) call.headers["Authorization"] = basic_auth(user, user + "-pw");
}

}  // namespace

HttpAnswer WebConsole::get(const std::string& target, const std::string& user) const {
  HttpCall call{http::verb::get, target, {}, ""};
  authorize(call, user);
  return http_call(port_, call);
}

HttpAnswer WebConsole::post_json(const std::string& target, const std::string& json, const std::string& user) const {
  HttpCall call{http::verb::post, target, {{"Content-Type", "application/json"}}, json};
  authorize(call, user);
  return http_call(port_, call);
}

HttpAnswer WebConsole::post_form(const std::string& target, const std::string& form, const std::string& user) const {
  HttpCall call{http::verb::post,
                target,
                {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Origin", "http://localhost:" + std::to_string(port_)},
                 {"Sec-Fetch-Site", "same-origin"}},
                form};
  authorize(call, user);
  return http_call(port_, call);
}

HttpAnswer WebConsole::https_get(const std::string& target, const std::string& user) const {
  namespace ssl = boost::asio::ssl;
  boost::asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  context.set_verify_mode(ssl::verify_none);  // the test's own self-signed certificate
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, context);
  boost::beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  stream.handshake(ssl::stream_base::client);
  http::request<http::string_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "localhost:" + std::to_string(port_));
  request.set(http::field::authorization, basic_auth(user, user + "-pw"));
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return HttpAnswer{response.result_int(), response.body(), {}};
}

std::string WebConsole::form_token(const std::string& user) const {
  const std::string page = get("/", user).body;
  std::smatch m;
  if (!std::regex_search(page, m, std::regex("name=\"spawnq-token\" content=\"([0-9a-f]+)\""))) {
    throw std::runtime_error("no form token on the overview of " + user);
  }
  return m[1].str();
}

}  // namespace spawnq::test
