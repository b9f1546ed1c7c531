#include "web/web_driver.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "support/http_client.hpp"
#include "support/wait_until.hpp"

extern char** environ;

namespace spawnq::test {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string decode_base64(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const auto value = alphabet.find(c);
    if (value == std::string::npos) continue;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace

WebDriver::WebDriver(const std::string& authorization) {
  char pattern[] = "/tmp/spawnq-browser.XXXXXX";
  folder_ = ::mkdtemp(pattern);
  const std::string log = folder_ + "/chromedriver.log";
  std::vector<std::string> argv = {"/usr/bin/chromedriver", "--port=0"};
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int error = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start chromedriver: " + std::string(std::strerror(error)));
  std::smatch m;
  const bool started = wait_until(
      [&] {
        const std::string text = read_file(log);
        if (!std::regex_search(text, m, std::regex("started successfully on port (\\d+)"))) return false;
        port_ = static_cast<unsigned short>(std::stoi(m[1].str()));
        return true;
      },
      15s);
  if (!started) throw std::runtime_error("chromedriver did not start: " + read_file(log));

  const nlohmann::json options = {
      {"binary", "/usr/bin/chromium"},
      {"args",
       {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
        "--user-data-dir=" + folder_ + "/profile"}}};
  const nlohmann::json session =
      call("POST", "/session", {{"capabilities", {{"alwaysMatch", {{"browserName", "chrome"}, {"goog:chromeOptions", options}}}}}});
  session_ = session["sessionId"].get<std::string>();
  if (!authorization.empty()) {
    call("POST", "/session/" + session_ + "/goog/cdp/execute", {{"cmd", "Network.enable"}, {"params", nlohmann::json::object()}});
    call("POST", "/session/" + session_ + "/goog/cdp/execute",
         {{"cmd", "Network.setExtraHTTPHeaders"}, {"params", {{"headers", {{"Authorization", authorization}}}}}});
  }
}

WebDriver::~WebDriver() {
  try {
    if (!session_.empty()) call("DELETE", "/session/" + session_);
  } catch (const std::exception&) {
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

nlohmann::json WebDriver::call(const std::string& method, const std::string& path, const nlohmann::json& body) {
  HttpCall request{method == "POST" ? http::verb::post : method == "DELETE" ? http::verb::delete_ : http::verb::get,
                   path,
                   {{"Content-Type", "application/json"}},
                   body.is_null() ? std::string() : body.dump()};
  const HttpAnswer answer = http_call(port_, request);
  const nlohmann::json reply = nlohmann::json::parse(answer.body.empty() ? "{}" : answer.body);
  if (answer.status != 200) throw std::runtime_error("webdriver " + method + " " + path + ": " + answer.body);
  return reply.value("value", nlohmann::json());
}

void WebDriver::go(const std::string& url) { call("POST", "/session/" + session_ + "/url", {{"url", url}}); }

std::string WebDriver::url() { return call("GET", "/session/" + session_ + "/url").get<std::string>(); }

std::string WebDriver::page_source() { return call("GET", "/session/" + session_ + "/source").get<std::string>(); }

std::string WebDriver::find(const std::string& css) {
  const auto element = call("POST", "/session/" + session_ + "/element", {{"using", "css selector"}, {"value", css}});
  return element[kElementKey].get<std::string>();
}

bool WebDriver::exists(const std::string& css) {
  return !call("POST", "/session/" + session_ + "/elements", {{"using", "css selector"}, {"value", css}}).empty();
}

void WebDriver::click(const std::string& css) {
  call("POST", "/session/" + session_ + "/element/" + find(css) + "/click", nlohmann::json::object());
}

std::string WebDriver::text(const std::string& css) {
  return call("GET", "/session/" + session_ + "/element/" + find(css) + "/text").get<std::string>();
}

nlohmann::json WebDriver::run_script(const std::string& script) {
  return call("POST", "/session/" + session_ + "/execute/sync", {{"script", script}, {"args", nlohmann::json::array()}});
}

void WebDriver::save_screenshot(const std::string& png_path) {
  const std::string png = decode_base64(call("GET", "/session/" + session_ + "/screenshot").get<std::string>());
  std::ofstream(png_path, std::ios::binary) << png;
}

}  // namespace spawnq::test
