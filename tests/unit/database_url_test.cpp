#include "common/database_url.hpp"

#include <catch2/catch.hpp>

using spawnq::redact_database_url;

TEST_CASE("passwords never reach logs or error lines") {
  CHECK(redact_database_url("postgresql://app:s3cret@db.example/spawnq") ==
        "postgresql://app:***@db.example/spawnq");
  CHECK(redact_database_url("postgres://app:p@ss@db/x") == "postgres://app:***@db/x");
  CHECK(redact_database_url("postgresql:///spawnq?user=app&password=s3cret&sslmode=require") ==
        "postgresql:///spawnq?user=app&password=***&sslmode=require");
  CHECK(redact_database_url("host=db password=s3cret dbname=x") == "host=db password=*** dbname=x");
  CHECK(redact_database_url("password='a b' host=db") == "password=*** host=db");
}

TEST_CASE("URLs without a password are left as they are") {
  CHECK(redact_database_url("postgresql:///spawnq") == "postgresql:///spawnq");
  CHECK(redact_database_url("postgresql://app@db/spawnq") == "postgresql://app@db/spawnq");
  CHECK(redact_database_url("host=/tmp/x user=postgres") == "host=/tmp/x user=postgres");
}
