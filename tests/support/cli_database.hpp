// What the tests of the admin commands share: a database of the test's own
// with the real `spawnq` binary pointed at it, and the check of docs/SPEC.md
// §1.1's error rule (one line on stderr, the exit code, nothing on stdout).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/test_database.hpp"

namespace spawnq::test {

// A database and a way to run spawnq against it.
struct Cli {
  TestDatabase db;
  explicit Cli(TestDatabase::Schema schema = TestDatabase::Schema::migrated) : db(schema) {}

  CliResult run(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {"--database-url", db.url()});
    return run_spawnq(args, stdin_text);
  }
  std::string jobs() { return db.value("SELECT count(*) FROM spawnq.jobs"); }
};

// Every error is exactly one line on stderr, starting with the program name.
inline void check_one_line_error(const CliResult& r, int exit_code, const std::string& needle) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == exit_code);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Matchers::StartsWith("spawnq: "));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Matchers::Contains(needle));
}

inline std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/spawnq-cli-test-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace spawnq::test
