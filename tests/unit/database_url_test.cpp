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

TEST_CASE("a connection option joins a URL in its own form, and never overrides the user's") {
  using spawnq::with_connection_option;
  CHECK(with_connection_option("postgresql:///spawnq", "fallback_application_name", "spawnq daemon") ==
        "postgresql:///spawnq?fallback_application_name=spawnq%20daemon");
  CHECK(with_connection_option("postgresql://db/x?sslmode=require", "fallback_application_name", "a") ==
        "postgresql://db/x?sslmode=require&fallback_application_name=a");
  CHECK(with_connection_option("postgresql://db/x?fallback_application_name=mine", "fallback_application_name",
                               "a") == "postgresql://db/x?fallback_application_name=mine");
  CHECK(with_connection_option("host=db dbname=x", "fallback_application_name", "it's") ==
        "fallback_application_name='it\\'s' host=db dbname=x");
  CHECK(with_connection_option("", "fallback_application_name", "a") == "fallback_application_name='a'");
}

TEST_CASE("a URL with several hosts must ask for the one that accepts writes") {
  using spawnq::several_hosts_problem;
  CHECK_FALSE(several_hosts_problem("postgresql://db/x"));
  CHECK_FALSE(several_hosts_problem("host=/tmp/a port=5432 dbname=x"));
  CHECK_FALSE(several_hosts_problem("host=a,b target_session_attrs=read-write"));
  CHECK_FALSE(several_hosts_problem("postgresql://a:5432,b:5433/x?target_session_attrs=primary"));
  CHECK_FALSE(several_hosts_problem("not a url = ="));  // libpq says what is wrong when it connects
  CHECK(several_hosts_problem("host=a,b,c dbname=x") ==
        "names 3 hosts but not target_session_attrs=read-write (it has none): spawnq could connect to a standby, "
        "where every write fails");
  CHECK(several_hosts_problem("postgresql://a,b/x?target_session_attrs=any") ==
        "names 2 hosts but not target_session_attrs=read-write (it has any): spawnq could connect to a standby, "
        "where every write fails");
}
