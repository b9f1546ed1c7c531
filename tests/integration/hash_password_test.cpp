// spawnq hash-password through the real binary: the hash on stdout, the
// password nowhere.
#include <catch2/catch.hpp>

#include "support/cli_database.hpp"
#include "web/password_hash.hpp"

using namespace spawnq::test;

TEST_CASE("cli: hash-password prints an argon2id hash of the first line of stdin, and nothing of the password") {
  const CliResult r = run_spawnq({"hash-password"}, "s3cret pass\nignored\n");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.size() > 1);
  CHECK(r.out.back() == '\n');
  const std::string hash = r.out.substr(0, r.out.size() - 1);
  CHECK(hash.find('\n') == std::string::npos);
  CHECK(spawnq::password_matches(hash, "s3cret pass"));
  CHECK(r.out.find("s3cret") == std::string::npos);
  CHECK(r.err.empty());

  check_one_line_error(run_spawnq({"hash-password"}, ""), 2, "the password is empty");
  check_one_line_error(run_spawnq({"hash-password"}, "\n"), 2, "the password is empty");
}
