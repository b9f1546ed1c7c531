// A real headless Chromium for the console's browser tests, driven through
// Debian's chromedriver with the W3C WebDriver protocol (JSON over HTTP, so
// the tests need nothing beyond the HTTP client they have). Every request
// the browser sends carries the given Basic credentials (set through the
// DevTools protocol), as a browser that has logged in would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace spawnq::test {

class WebDriver {
 public:
  explicit WebDriver(const std::string& authorization = "");
  ~WebDriver();
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  void go(const std::string& url);
  std::string url();
  std::string page_source();
  // The first element matching a CSS selector; throws when there is none.
  std::string find(const std::string& css);
  bool exists(const std::string& css);
  void click(const std::string& css);
  std::string text(const std::string& css);
  nlohmann::json run_script(const std::string& script);
  void save_screenshot(const std::string& png_path);

 private:
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);

  std::string folder_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string session_;
};

}  // namespace spawnq::test
