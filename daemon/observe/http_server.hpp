// HttpServer answers GET requests for the operator endpoints (/metrics,
// /healthz, /status) on the daemon's own io_context with Boost.Beast. It never
// accepts writes: other methods get 405, other paths 404. One request per
// connection, a 10 s read limit, and an 8 KiB request limit keep a slow or
// hostile client from holding anything. Lives on the event loop.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace spawnq {

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpRoute = std::function<HttpReply()>;

class HttpServer {
 public:
  // `listen` is HOST:PORT ("127.0.0.1:9464", "[::1]:9464"); port 0 picks one.
  HttpServer(boost::asio::io_context& loop, const std::string& listen, std::map<std::string, HttpRoute> routes);

  void start();  // binds (throws std::system_error on failure) and accepts
  void stop();   // safe twice and before start()
  std::string bound_address() const;

 private:
  void accept();

  boost::asio::io_context& loop_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::map<std::string, HttpRoute> routes_;
};

}  // namespace spawnq
