// A strict reader of the Prometheus text format (0.0.4), for tests: it refuses
// anything a Prometheus server would refuse or misread, and returns the
// samples as "name{labels}" → value for assertions.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace spawnq::test {

class PrometheusFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws PrometheusFormatError naming the line and the rule broken.
std::map<std::string, double> parse_prometheus_text(const std::string& text);

}  // namespace spawnq::test
