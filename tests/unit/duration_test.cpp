#include "config/duration.hpp"

#include <catch2/catch.hpp>

using spawnq::Duration;
using spawnq::format_duration;
using spawnq::parse_duration;

TEST_CASE("every duration form of the config parses") {
  CHECK(parse_duration("250ms") == Duration(250));
  CHECK(parse_duration("30s") == Duration(30'000));
  CHECK(parse_duration("5m") == Duration(300'000));
  CHECK(parse_duration("2h") == Duration(7'200'000));
  CHECK(parse_duration("45") == Duration(45'000));
  CHECK(parse_duration("1.5") == Duration(1'500));
  CHECK(parse_duration("0.5s") == Duration(500));
  CHECK(parse_duration("0") == Duration(0));
}

TEST_CASE("anything else is not a duration") {
  for (const char* bad : {"", "s", "ms", "-5", "-5s", "5x", "5 s", "five", "1e3", "+3", " 3", "3s ",
                          "inf", "nan", "5sm", "99999999999h"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations print in the largest exact unit") {
  CHECK(format_duration(Duration(0)) == "0s");
  CHECK(format_duration(Duration(250)) == "250ms");
  CHECK(format_duration(Duration(1'500)) == "1500ms");
  CHECK(format_duration(Duration(90'000)) == "90s");
  CHECK(format_duration(Duration(120'000)) == "2m");
  CHECK(format_duration(Duration(7'200'000)) == "2h");
  CHECK(parse_duration(format_duration(Duration(123'456))) == Duration(123'456));
}
