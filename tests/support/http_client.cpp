#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <regex>

namespace spawnq::test {

HttpReply http_request(unsigned short port, boost::beast::http::verb method, const std::string& target) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "localhost");
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return HttpReply{res.result_int(), res.body()};
}

HttpAnswer http_call(unsigned short port, const HttpCall& call) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{call.method, call.target, 11};
  req.set(http::field::host, "localhost:" + std::to_string(port));
  for (const auto& [name, value] : call.headers) req.set(name, value);
  req.keep_alive(false);
  req.body() = call.body;
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(call.method == http::verb::head);  // an answer to HEAD has a length but no body
  http::read(socket, buffer, parser);
  const auto& res = parser.get();
  HttpAnswer answer{res.result_int(), res.body(), {}};
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    answer.headers[name] = std::string(field.value());
  }
  return answer;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const auto byte = [&](std::size_t k) { return k < in.size() ? static_cast<unsigned char>(in[k]) : 0u; };
    const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? alphabet[n & 63] : '=';
  }
  return "Basic " + out;
}

unsigned short web_port_of(const DaemonProcess& web) {
  std::smatch m;
  const std::string log = web.log();
  if (!std::regex_search(log, m, std::regex("serving the console on https?://127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<unsigned short>(std::stoi(m[1].str()));
}

unsigned short http_port_of(const DaemonProcess& daemon) {
  std::smatch m;
  const std::string log = daemon.log();
  if (!std::regex_search(log, m, std::regex("/status on 127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<unsigned short>(std::stoi(m[1].str()));
}

}  // namespace spawnq::test
