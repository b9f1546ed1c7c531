// One HTTP request to a daemon's operator endpoint on 127.0.0.1, over a
// real socket, and the port a daemon logged for that endpoint.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <string>

#include "support/daemon_process.hpp"

namespace spawnq::test {

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

HttpReply http_request(unsigned short port, boost::beast::http::verb method, const std::string& target);

// From "/status on 127.0.0.1:PORT" in the daemon's log; 0 until it is there.
unsigned short http_port_of(const DaemonProcess& daemon);

}  // namespace spawnq::test
