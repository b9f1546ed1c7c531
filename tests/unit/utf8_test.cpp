#include "common/utf8.hpp"

#include <catch2/catch.hpp>

using spawnq::to_valid_utf8;

TEST_CASE("output that PostgreSQL would refuse is made storable") {
  CHECK(to_valid_utf8("plain text\n") == "plain text\n");
  CHECK(to_valid_utf8("h\xC3\xA9llo \xE2\x9C\x93") == "h\xC3\xA9llo \xE2\x9C\x93");
  CHECK(to_valid_utf8(std::string("a\0b", 3)) == "ab");
  CHECK(to_valid_utf8("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
  CHECK(to_valid_utf8("cut \xE2\x9C") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(to_valid_utf8("\x9C\x93 tail cut mid-character") == " tail cut mid-character");
  CHECK(to_valid_utf8("\xC0\xAF overlong") == "\xEF\xBF\xBD\xEF\xBF\xBD overlong");
  CHECK(to_valid_utf8("\xED\xA0\x80 surrogate") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate");
}
