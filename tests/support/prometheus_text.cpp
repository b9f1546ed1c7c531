#include "support/prometheus_text.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

namespace spawnq::test {
namespace {

const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?)");
const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)\"(,|$))");

double parse_value(const std::string& text, const std::string& where) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) throw PrometheusFormatError(where + ": bad value '" + text + "'");
  return value;
}

std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.ends_with(s)) {
      const std::string base = name.substr(0, name.size() - s.size());
      const auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

}  // namespace

PrometheusSamples parse_prometheus_text(const std::string& text) {
  if (!text.empty() && text.back() != '\n') throw PrometheusFormatError("the text must end with a newline");
  PrometheusSamples samples;
  std::map<std::string, std::string> types;
  std::set<std::string> finished_families;
  std::string current;
  std::map<std::string, double> last_bucket;  // series without le → cumulative so far
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string where = "line " + std::to_string(number);
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0 || line.rfind("# HELP ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name;
      std::string rest;
      words >> name;
      std::getline(words, rest);
      if (!std::regex_match(name, kName)) throw PrometheusFormatError(where + ": bad metric name '" + name + "'");
      if (line[2] == 'T') {
        const std::string type = rest.empty() ? "" : rest.substr(1);
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped") {
          throw PrometheusFormatError(where + ": bad type '" + type + "'");
        }
        if (types.count(name)) throw PrometheusFormatError(where + ": second TYPE for " + name);
        types[name] = type;
      }
      continue;
    }
    if (line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) throw PrometheusFormatError(where + ": not a sample: " + line);
    const std::string name = m[1].str();
    const std::string family = family_of(name, types);
    if (!types.count(family)) throw PrometheusFormatError(where + ": " + name + " has no TYPE before it");
    if (family != current) {
      if (finished_families.count(family)) throw PrometheusFormatError(where + ": samples of " + family + " are split");
      if (!current.empty()) finished_families.insert(current);
      current = family;
    }
    std::string labels = m[3].str();
    std::string le;
    std::string other_labels;
    for (std::string rest = labels; !rest.empty();) {
      std::smatch label;
      if (!std::regex_search(rest, label, kLabel) || label.position(0) != 0) {
        throw PrometheusFormatError(where + ": bad labels {" + labels + "}");
      }
      if (label[1].str() == "le") le = label[2].str();
      else other_labels += label[0].str();
      rest = label.suffix().str();
    }
    const double value = parse_value(m[4].str(), where);
    const std::string key = canonical_sample(name + (labels.empty() ? "" : "{" + labels + "}"));
    if (samples.samples_.count(key)) throw PrometheusFormatError(where + ": duplicate sample " + key);
    samples.samples_[key] = value;
    if (name.ends_with("_bucket") && family != name) {
      if (le.empty()) throw PrometheusFormatError(where + ": bucket without le");
      const std::string series = family + "{" + other_labels + "}";
      if (last_bucket.count(series) && value < last_bucket[series]) {
        throw PrometheusFormatError(where + ": buckets of " + series + " are not cumulative");
      }
      last_bucket[series] = value;
    }
  }
  return samples;
}

std::string canonical_sample(const std::string& sample) {
  const auto open = sample.find('{');
  if (open == std::string::npos || sample.back() != '}') return sample;
  std::vector<std::string> labels;
  std::string le;
  for (std::string rest = sample.substr(open + 1, sample.size() - open - 2); !rest.empty();) {
    std::smatch label;
    if (!std::regex_search(rest, label, kLabel) || label.position(0) != 0) return sample;
    const std::string text = label[1].str() + "=\"" + label[2].str() + "\"";
    if (label[1].str() == "le") le = text;
    else labels.push_back(text);
    rest = label.suffix().str();
  }
  std::sort(labels.begin(), labels.end());
  if (!le.empty()) labels.push_back(le);
  std::string out = sample.substr(0, open + 1);
  for (std::size_t i = 0; i < labels.size(); ++i) out += (i ? "," : "") + labels[i];
  return out + "}";
}

double PrometheusSamples::at(const std::string& sample) const { return samples_.at(canonical_sample(sample)); }

std::size_t PrometheusSamples::count(const std::string& sample) const {
  return samples_.count(canonical_sample(sample));
}

}  // namespace spawnq::test
