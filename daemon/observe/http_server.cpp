#include "http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "common/errors.hpp"
#include "common/listen_address.hpp"

namespace spawnq {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr auto kReadLimit = std::chrono::seconds(10);
constexpr std::size_t kRequestLimit = 8192;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const std::map<std::string, HttpRoute>& routes)
      : stream_(std::move(socket)), routes_(routes) {}

  void start() {
    parser_.header_limit(kRequestLimit);
    parser_.body_limit(kRequestLimit);
    stream_.expires_after(kReadLimit);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->respond();
                     });
  }

 private:
  void respond() {
    const auto& request = parser_.get();
    HttpReply reply;
    const std::string target(request.target());
    const std::string path = target.substr(0, target.find('?'));
    const auto route = routes_.find(path);
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      reply = HttpReply{405, "text/plain; charset=utf-8", "only GET is served here\n"};
    } else if (route == routes_.end()) {
      reply = HttpReply{404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz or /status\n"};
    } else {
      reply = route->second();
    }
    response_.result(reply.status);
    response_.version(request.version());
    response_.set(http::field::server, "spawnq");
    response_.set(http::field::content_type, reply.content_type);
    if (reply.status == 405) response_.set(http::field::allow, "GET, HEAD");
    response_.keep_alive(false);
    if (request.method() != http::verb::head) response_.body() = std::move(reply.body);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
  const std::map<std::string, HttpRoute>& routes_;
};

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& loop, const std::string& listen,
                       std::map<std::string, HttpRoute> routes)
    : loop_(loop), endpoint_(parse_listen(listen, "http.listen")), acceptor_(loop), routes_(std::move(routes)) {}

void HttpServer::start() {
  acceptor_.open(endpoint_.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint_);
  acceptor_.listen();
  spdlog::info("http: serving /metrics, /healthz and /status on {}", bound_address());
  accept();
}

void HttpServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::string HttpServer::bound_address() const {
  boost::system::error_code ec;
  return format_endpoint(acceptor_.local_endpoint(ec));
}

void HttpServer::accept() {
  acceptor_.async_accept(loop_, [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), routes_)->start();
    accept();
  });
}

}  // namespace spawnq
