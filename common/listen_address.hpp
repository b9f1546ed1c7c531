// HOST:PORT as the config and the command line write where to listen
// ("127.0.0.1:9464", "[::1]:9465", "0.0.0.0:0" for any free port), read
// into an endpoint with a one-line error that names the key. Pure.
#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace spawnq {

// Throws UsageError("KEY: …").
boost::asio::ip::tcp::endpoint parse_listen(const std::string& listen, const std::string& key);

// "127.0.0.1:9465", "[::1]:9465"
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace spawnq
