#include <catch2/catch.hpp>
#include <future>

#include "common/errors.hpp"
#include "common/migrations.hpp"
#include "common/schema_migrator.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using spawnq::test::TestDatabase;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> all_names() {
  std::vector<std::string> names;
  for (const Migration& m : embedded_migrations()) names.emplace_back(m.name);
  return names;
}

int newest() { return migration_version(embedded_migrations().back().name); }

}  // namespace

TEST_CASE("migrate creates the schema, and a second run changes nothing") {
  TestDatabase db(TestDatabase::Schema::empty);
  auto conn = db.connect();
  const MigrationReport first = migrate_schema(*conn, embedded_migrations());
  CHECK(first.applied == all_names());
  CHECK(first.applied.front() == "001_init");
  CHECK(first.schema_version == newest());
  for (const char* table : {"spawnq.jobs", "spawnq.job_attempts", "spawnq.workers"}) {
    INFO(table);
    CHECK(db.value(std::string("SELECT to_regclass('") + table + "') IS NOT NULL") == "t");
  }
  const MigrationReport second = migrate_schema(*conn, embedded_migrations());
  CHECK(second.applied.empty());
  CHECK(second.schema_version == newest());
  CHECK(db.value("SELECT count(*) FROM spawnq.schema_migrations") == std::to_string(all_names().size()));
}

TEST_CASE("concurrent migrations wait for each other and apply each file once") {
  TestDatabase db(TestDatabase::Schema::empty);
  std::vector<std::future<MigrationReport>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [&db] {
      auto conn = db.connect();
      return migrate_schema(*conn, embedded_migrations());
    }));
  }
  std::size_t applied = 0;
  for (auto& run : runs) {
    const MigrationReport report = run.get();  // rethrows any failure
    applied += report.applied.size();
    CHECK(report.schema_version == newest());
  }
  CHECK(applied == embedded_migrations().size());
  CHECK(db.value("SELECT count(*) FROM spawnq.schema_migrations") == std::to_string(all_names().size()));
}

TEST_CASE("later migrations apply in order, each in its own transaction") {
  TestDatabase db(TestDatabase::Schema::empty);
  auto conn = db.connect();
  std::vector<Migration> migrations = embedded_migrations();
  migrate_schema(*conn, migrations);

  migrations.push_back({"900_extra", "CREATE TABLE spawnq.extra (x int)"});
  CHECK(migrate_schema(*conn, migrations).applied == std::vector<std::string>{"900_extra"});

  migrations.push_back({"901_broken", "CREATE TABLE spawnq.broken (x int); SELECT 1/0"});
  CHECK_THROWS(migrate_schema(*conn, migrations));
  CHECK(db.value("SELECT to_regclass('spawnq.broken') IS NULL") == "t");
  CHECK(db.value("SELECT max(version) FROM spawnq.schema_migrations") == "900");
}

TEST_CASE("an applied migration whose text changed is refused") {
  TestDatabase db(TestDatabase::Schema::empty);
  auto conn = db.connect();
  migrate_schema(*conn, embedded_migrations());
  const std::vector<Migration> edited = {{"001_init", "SELECT 1"}};
  CHECK_THROWS_AS(migrate_schema(*conn, edited), RuntimeFailure);
  CHECK_THROWS_WITH(migrate_schema(*conn, edited), Contains("001_init differs"));
}
