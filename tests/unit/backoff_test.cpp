#include "common/backoff.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using spawnq::backoff_delay;

TEST_CASE("the backoff delay follows the table and its last entry repeats") {
  const std::vector<std::chrono::milliseconds> table = {10s, 30s, 2min};
  CHECK(backoff_delay(table, 1, std::nullopt) == 10s);
  CHECK(backoff_delay(table, 2, std::nullopt) == 30s);
  CHECK(backoff_delay(table, 3, std::nullopt) == 2min);
  CHECK(backoff_delay(table, 4, std::nullopt) == 2min);
  CHECK(backoff_delay(table, 50, std::nullopt) == 2min);
}

TEST_CASE("a job's own retry_after wins over the table") {
  CHECK(backoff_delay({10s}, 1, 300s) == 300s);
  CHECK(backoff_delay({10s}, 1, -5s) == 0s);
}

TEST_CASE("an empty table or a nonsense attempt number still gives a delay") {
  CHECK(backoff_delay({}, 3, std::nullopt) == 0s);
  CHECK(backoff_delay({10s, 20s}, 0, std::nullopt) == 10s);
}
