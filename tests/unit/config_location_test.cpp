#include "config/config_location.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

namespace {
auto only(std::string existing) {
  return [existing](const std::string& path) { return path == existing; };
}
auto nothing() {
  return [](const std::string&) { return false; };
}
}  // namespace

TEST_CASE("the config comes from the flag, then the environment, then the usual places") {
  CHECK(locate_config(std::string("a.yaml"), "b.yaml", only("./spawnq.yaml")) == "a.yaml");
  CHECK(locate_config(std::nullopt, "b.yaml", only("./spawnq.yaml")) == "b.yaml");
  CHECK(locate_config(std::nullopt, nullptr, only("./spawnq.yaml")) == "./spawnq.yaml");
  CHECK(locate_config(std::nullopt, "", only("/etc/spawnq/spawnq.yaml")) == "/etc/spawnq/spawnq.yaml");
  CHECK_FALSE(locate_config(std::nullopt, nullptr, nothing()).has_value());
}

TEST_CASE("an explicit config that does not exist is still chosen, so loading reports it") {
  CHECK(locate_config(std::string("missing.yaml"), nullptr, nothing()) == "missing.yaml");
  CHECK(locate_config(std::nullopt, "missing.yaml", nothing()) == "missing.yaml");
}

TEST_CASE("the database comes from the flag, then the environment, then the config") {
  CHECK(choose_database_url(std::string("flag"), "env", "config") == "flag");
  CHECK(choose_database_url(std::nullopt, "env", "config") == "env");
  CHECK(choose_database_url(std::nullopt, nullptr, "config") == "config");
  CHECK(choose_database_url(std::string(""), "", "config") == "config");
}
