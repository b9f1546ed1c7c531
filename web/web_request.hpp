// A console request and its answer as plain values, so that the routes,
// pages and actions are tested without sockets; console_server.cpp turns
// Beast's messages into these and back. Also the decoding of query strings
// and form bodies, which share one format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawnq {

// Each name with every value it came with, in order ("id=1&id=2").
using FormFields = std::multimap<std::string, std::string>;

struct WebRequest {
  std::string method;                          // "GET", "POST", …
  std::string path;                            // decoded, without the query
  FormFields query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::optional<std::string> header(const std::string& lower_name) const;
  std::optional<std::string> param(const std::string& name) const;  // the first value in the query
};

struct WebResponse {
  unsigned status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;  // besides Content-Type
};

// "a=1&b=x%20y&b=z" → {a: 1, b: "x y", b: z}; '+' is a space. Malformed
// escapes are kept as written rather than refused: a field is looked up by
// name and checked by whoever reads it.
FormFields parse_form(std::string_view text);

std::string url_decode(std::string_view text);
std::string url_encode(std::string_view text);  // for a query value

// The first value of `name`, if any.
std::optional<std::string> first_field(const FormFields& fields, const std::string& name);
// The same, but an empty value counts as none: an empty form field narrows nothing.
std::optional<std::string> filled_field(const FormFields& fields, const std::string& name);

// A whole number written out in full, from `least` to `most`; nullopt for
// anything else (the caller says what it wanted).
std::optional<std::int64_t> parse_whole(std::string_view text, std::int64_t least, std::int64_t most);
std::vector<std::string> all_fields(const FormFields& fields, const std::string& name);

}  // namespace spawnq
