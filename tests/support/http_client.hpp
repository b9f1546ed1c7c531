// One HTTP request to a daemon's operator endpoint on 127.0.0.1, over a
// real socket, and the port a daemon logged for that endpoint.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <map>
#include <string>

#include "support/daemon_process.hpp"

namespace spawnq::test {

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

HttpReply http_request(unsigned short port, boost::beast::http::verb method, const std::string& target);

// A request with headers and a body, for the web console.
struct HttpCall {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target = "/";
  std::map<std::string, std::string> headers;  // Host is localhost:PORT unless given
  std::string body;
};

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

HttpAnswer http_call(unsigned short port, const HttpCall& call);

// "Basic …" for an Authorization header.
std::string basic_auth(const std::string& user, const std::string& password);

// From "/status on 127.0.0.1:PORT" in the daemon's log; 0 until it is there.
unsigned short http_port_of(const DaemonProcess& daemon);

// From "serving the console on http://127.0.0.1:PORT" in `spawnq web`'s log; 0 until it is there.
unsigned short web_port_of(const DaemonProcess& web);

}  // namespace spawnq::test
