// A strict reader of the Prometheus text format (0.0.4), for tests: it refuses
// anything a Prometheus server would refuse or misread, and returns the
// samples as "name{labels}" → value for assertions. Labels are compared as a
// set: `at("x{a=\"1\",b=\"2\"}")` finds `x{b="2",a="1"}` too, since the order
// of labels on a line carries no meaning.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace spawnq::test {

class PrometheusFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PrometheusSamples {
 public:
  double at(const std::string& sample) const;  // throws std::out_of_range
  std::size_t count(const std::string& sample) const;
  std::size_t size() const { return samples_.size(); }

 private:
  friend PrometheusSamples parse_prometheus_text(const std::string& text);
  std::map<std::string, double> samples_;  // by canonical_sample()
};

// "name{b=\"2\",a=\"1\"}" → "name{a=\"1\",b=\"2\"}"; `le` stays last.
std::string canonical_sample(const std::string& sample);

// Throws PrometheusFormatError naming the line and the rule broken.
PrometheusSamples parse_prometheus_text(const std::string& text);

}  // namespace spawnq::test
