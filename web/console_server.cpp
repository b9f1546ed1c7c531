#include "console_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>

#include "common/listen_address.hpp"

namespace spawnq {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

constexpr auto kReadLimit = std::chrono::seconds(30);
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1024 * 1024;

WebRequest to_web_request(const http::request<http::string_body>& message) {
  WebRequest request;
  request.method = std::string(message.method_string());
  const std::string target(message.target());
  const auto question = target.find('?');
  request.path = url_decode(target.substr(0, question));
  if (question != std::string::npos) request.query = parse_form(target.substr(question + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    request.headers[name] = std::string(field.value());
  }
  request.body = message.body();
  return request;
}

void set_security_headers(http::response<http::string_body>& response) {
  response.set(http::field::server, "spawnq");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "same-origin");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
}

// One connection: requests in turn (keep-alive), each answered before the next is read.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, const ConsoleServer::Handler& handler) : stream_(std::move(stream)), handler_(handler) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(kReadLimit);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(kReadLimit);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        self->reply_plain(413, "the request is too big\n");
      } else if (!ec) {
        self->respond();
      }
    });
  }

  void respond() {
    const auto& request = parser_->get();
    WebResponse answer;
    try {
      answer = handler_(to_web_request(request));
    } catch (const std::exception& e) {
      spdlog::error("web: {} {}: {}", std::string(request.method_string()), std::string(request.target()), e.what());
      answer = WebResponse{500, "text/plain; charset=utf-8", "internal error; see the console's log\n", {}};
    }
    response_ = {};
    response_.result(answer.status);
    response_.version(request.version());
    set_security_headers(response_);
    response_.set(http::field::content_type, answer.content_type);
    if (answer.headers.find("Cache-Control") == answer.headers.end()) response_.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.keep_alive(request.keep_alive());
    if (request.method() == http::verb::head) {
      response_.content_length(answer.body.size());  // what a GET would send, without it
    } else {
      response_.body() = std::move(answer.body);
      response_.prepare_payload();
    }
    write();
  }

  void reply_plain(unsigned status, const std::string& text) {
    response_ = {};
    response_.result(status);
    set_security_headers(response_);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    response_.keep_alive(false);
    response_.body() = text;
    response_.prepare_payload();
    write();
  }

  void write() {
    http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) {
        self->read();
        return;
      }
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  Stream stream_;
  const ConsoleServer::Handler& handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

ConsoleServer::ConsoleServer(const tcp::endpoint& endpoint, Handler handler, std::shared_ptr<ssl::context> tls)
    : endpoint_(endpoint), acceptor_(io_), handler_(std::move(handler)), tls_(std::move(tls)) {}

void ConsoleServer::bind() {
  acceptor_.open(endpoint_.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint_);
  acceptor_.listen();
}

std::string ConsoleServer::bound_address() const {
  boost::system::error_code ec;
  return format_endpoint(acceptor_.local_endpoint(ec));
}

void ConsoleServer::accept() {
  acceptor_.async_accept(boost::asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) {
      if (tls_) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls_), handler_)
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), handler_)->start();
      }
    }
    accept();
  });
}

void ConsoleServer::run(int threads) {
  boost::asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("web: signal {} received; stopping", signal);
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  });
  accept();
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([this] { io_.run(); });
  io_.run();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace spawnq
