#include "yaml_field.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace spawnq {
namespace {

// yaml-cpp counts lines from 0 and gives -1 to nodes it made up itself.
int line_of(const YAML::Node& node, int fallback) {
  const int line = node.Mark().line;
  return line >= 0 ? line + 1 : fallback;
}

bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

}  // namespace

YamlField::YamlField(YAML::Node node, std::string source, std::string path, int line)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)), line_(line) {}

void YamlField::fail(std::string_view message) const {
  std::string text = source_.empty() ? std::string("<config>") : source_;
  text += ':' + std::to_string(line_) + ": " + (path_.empty() ? std::string("(top level)") : path_) +
          ": " + std::string(message);
  throw ConfigError(text);
}

std::string YamlField::describe_type() const {
  if (node_.IsMap()) return "a map";
  if (node_.IsSequence()) return "a list";
  if (node_.IsNull()) return "nothing";
  if (is_plain_scalar(node_)) return "'" + node_.Scalar() + "'";
  return "the string \"" + node_.Scalar() + "\"";
}

std::string YamlField::as_string() const {
  if (!node_.IsScalar()) fail("must be a string, got " + describe_type());
  return node_.Scalar();
}

bool YamlField::as_bool() const {
  const std::string flag = as_string();
  if (flag != "true" && flag != "false") fail("must be true or false, got '" + flag + "'");
  return flag == "true";
}

int YamlField::as_int(int min) const {
  if (!is_plain_scalar(node_)) fail("must be an integer, got " + describe_type());
  const std::string& text = node_.Scalar();
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    fail("must be an integer, got " + describe_type());
  }
  if (value < min) fail("must be ≥ " + std::to_string(min) + ", got " + text);
  return value;
}

Duration YamlField::as_duration(Duration min) const {
  if (!node_.IsScalar()) fail("must be a duration like 250ms, 30s, 5m or 2h, got " + describe_type());
  const auto value = parse_duration(node_.Scalar());
  if (!value) fail("must be a duration like 250ms, 30s, 5m or 2h, got " + describe_type());
  if (*value < min) fail("must be at least " + format_duration(min) + ", got " + node_.Scalar());
  return *value;
}

std::uint64_t YamlField::as_size(std::uint64_t min) const {
  if (!is_plain_scalar(node_)) fail("must be a size like 512M, 2G or 1048576, got " + describe_type());
  std::string text = node_.Scalar();
  std::uint64_t scale = 1;
  if (!text.empty()) {
    const std::string units = "KMGT";
    if (const auto unit = units.find(text.back()); unit != std::string::npos) {
      scale = std::uint64_t{1} << (10 * (unit + 1));
      text.pop_back();
    }
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > UINT64_MAX / scale) {
    fail("must be a size like 512M, 2G or 1048576, got " + describe_type());
  }
  if (value * scale < min) fail("must be at least " + std::to_string(min) + " bytes, got " + node_.Scalar());
  return value * scale;
}

std::vector<std::string> YamlField::as_string_list() const {
  std::vector<std::string> values;
  for (const YamlField& item : items()) values.push_back(item.as_string());
  return values;
}

std::vector<Duration> YamlField::as_duration_list() const {
  std::vector<Duration> values;
  for (const YamlField& item : items()) values.push_back(item.as_duration(Duration(0)));
  if (values.empty()) fail("must list at least one duration");
  return values;
}

std::map<std::string, std::string> YamlField::as_string_map() const {
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : entries()) values.emplace(key, value.as_string());
  return values;
}

nlohmann::json YamlField::as_json() const {
  if (node_.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : entries()) object[key] = value.as_json();
    return object;
  }
  if (node_.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const YamlField& item : items()) array.push_back(item.as_json());
    return array;
  }
  if (node_.IsNull()) return nullptr;
  const std::string& text = node_.Scalar();
  if (!is_plain_scalar(node_)) return text;
  if (text == "null" || text == "~") return nullptr;
  if (text == "true" || text == "false") return text == "true";
  long long integer = 0;
  if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
      ec == std::errc() && end == text.data() + text.size()) {
    return integer;
  }
  double number = 0;
  if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      ec == std::errc() && end == text.data() + text.size()) {
    return number;
  }
  return text;
}

std::vector<YamlField> YamlField::items() const {
  if (!node_.IsSequence()) fail("must be a list, got " + describe_type());
  std::vector<YamlField> result;
  std::size_t index = 0;
  for (const YAML::Node& item : node_) {
    result.emplace_back(item, source_, path_ + "[" + std::to_string(index++) + "]",
                        line_of(item, line_));
  }
  return result;
}

std::vector<std::pair<std::string, YamlField>> YamlField::entries() const {
  if (!node_.IsMap()) fail("must be a map, got " + describe_type());
  std::vector<std::pair<std::string, YamlField>> result;
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    const int key_line = line_of(entry.first, line_);
    const std::string child_path = path_.empty() ? "" : path_ + ".";
    if (!entry.first.IsScalar()) {
      YamlField(entry.first, source_, child_path + "?", key_line).fail("keys must be plain names");
    }
    const std::string key = entry.first.Scalar();
    // A value is reported at its key's line: that is where a reader looks.
    YamlField value(entry.second, source_, child_path + key, key_line);
    if (!seen.insert(key).second) {
      YamlField(entry.first, source_, child_path + key, key_line).fail("appears twice");
    }
    result.emplace_back(key, std::move(value));
  }
  return result;
}

std::map<std::string, YamlField> YamlField::fields(
    std::initializer_list<std::string_view> allowed) const {
  std::map<std::string, YamlField> result;
  for (auto& [key, value] : entries()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string known;
      for (std::string_view name : allowed) known += (known.empty() ? "" : ", ") + std::string(name);
      value.fail("unknown key (known keys: " + known + ")");
    }
    result.emplace(key, std::move(value));
  }
  return result;
}

}  // namespace spawnq
