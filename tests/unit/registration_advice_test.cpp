#include <catch2/catch.hpp>

#include "daemon/supervisor/worker_lease.hpp"

using spawnq::registration_advice;
using Catch::Matchers::Contains;

TEST_CASE("a refused registration says what would help, and only what would") {
  CHECK(registration_advice("42P01") == "; run `spawnq migrate`");  // no spawnq.workers
  CHECK(registration_advice("42883") == "; run `spawnq migrate`");  // an older schema's functions
  CHECK_THAT(registration_advice("42P05"), Contains("set database.pooler: transaction"));
  CHECK_THAT(registration_advice("26000"), Contains("set database.pooler: transaction"));
  CHECK(registration_advice("42501").empty());  // permission denied: migrating would not help
  CHECK(registration_advice("").empty());
}
