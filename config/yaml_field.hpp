// YamlField is one node of a config file together with where it stands (file,
// line, dotted key path), so every conversion that fails can say exactly what
// and where: "spawnq.yaml:7: queues.emails.max_workers: must be ≥ 1, got 0".
// Conversions are strict: a quoted "3" is not an integer, a map is not a list.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "common/errors.hpp"
#include "duration.hpp"

namespace spawnq {

class ConfigError : public UsageError {
 public:
  using UsageError::UsageError;
};

class YamlField {
 public:
  YamlField(YAML::Node node, std::string source, std::string path, int line);

  const std::string& path() const { return path_; }
  int line() const { return line_; }
  bool is_null() const { return node_.IsNull(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_map() const { return node_.IsMap(); }

  [[noreturn]] void fail(std::string_view message) const;

  std::string as_string() const;  // any scalar, quoted or not
  bool as_bool() const;  // true or false, nothing else
  int as_int(int min) const;
  Duration as_duration(Duration min) const;
  // Bytes: a whole number with an optional K, M, G or T (powers of 1024).
  std::uint64_t as_size(std::uint64_t min) const;
  std::vector<std::string> as_string_list() const;
  std::vector<Duration> as_duration_list() const;  // non-empty
  std::map<std::string, std::string> as_string_map() const;
  // Any node as JSON: plain scalars become null, booleans and numbers where
  // they read as such; quoted scalars stay strings.
  nlohmann::json as_json() const;

  std::vector<YamlField> items() const;  // of a sequence
  // Entries of a map in file order; a key that appears twice is an error.
  std::vector<std::pair<std::string, YamlField>> entries() const;
  // Entries of a map whose keys must all be in `allowed`.
  std::map<std::string, YamlField> fields(std::initializer_list<std::string_view> allowed) const;

 private:
  std::string describe_type() const;

  YAML::Node node_;
  std::string source_;
  std::string path_;
  int line_;
};

// A map's checked entries, as fields() gives them.
using Fields = std::map<std::string, YamlField>;

// Applies `apply` to the field `key` when the map has it.
template <typename Apply>
void with(const Fields& fields, const char* key, Apply apply) {
  if (auto it = fields.find(key); it != fields.end()) apply(it->second);
}

}  // namespace spawnq
