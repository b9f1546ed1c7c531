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

unsigned short http_port_of(const DaemonProcess& daemon) {
  std::smatch m;
  const std::string log = daemon.log();
  if (!std::regex_search(log, m, std::regex("/status on 127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<unsigned short>(std::stoi(m[1].str()));
}

}  // namespace spawnq::test
