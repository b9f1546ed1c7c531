// ConsoleServer is `spawnq web`'s HTTP(S) server on Boost.Beast: it accepts
// connections, reads each request (16 KiB of headers, 1 MiB of body, 30 s
// to send them), turns it into a WebRequest, hands it to the handler on one
// of its threads and writes the answer with the console's security headers.
// The handler may block on the database: each thread serves one request at
// a time, so `threads` is also how many the database sees at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "web/web_request.hpp"

namespace spawnq {

class ConsoleServer {
 public:
  using Handler = std::function<WebResponse(const WebRequest&)>;

  // `tls`: a context with the certificate and key loaded; none: plain HTTP.
  ConsoleServer(const boost::asio::ip::tcp::endpoint& endpoint, Handler handler,
                std::shared_ptr<boost::asio::ssl::context> tls);

  void bind();  // throws std::system_error when the address is taken or not ours
  std::string bound_address() const;

  // Serves on `threads` threads until SIGINT or SIGTERM.
  void run(int threads);

 private:
  void accept();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace spawnq
