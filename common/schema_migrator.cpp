#include "schema_migrator.hpp"

#include <charconv>
#include <map>

#include <pqxx/pqxx>

#include "errors.hpp"

namespace spawnq {
namespace {

// Any fixed number works; this one spells "spawnq" so it is recognisable in pg_locks.
constexpr long long kMigrateLockKey = 0x737061776e71;

// Every step takes this lock first, in its own transaction: a lock that ends
// with the transaction works through a transaction pooler, where a session
// lock would stay on a server connection someone else gets next.
void lock_migrations(pqxx::work& w) {
  w.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrateLockKey);
  w.exec0("CREATE SCHEMA IF NOT EXISTS spawnq");
  w.exec0(
      "CREATE TABLE IF NOT EXISTS spawnq.schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())");
}

// The name of each migration applied, by version.
std::map<int, std::string> read_applied(pqxx::work& w) {
  std::map<int, std::string> applied;
  for (const auto& row : w.exec("SELECT version, name FROM spawnq.schema_migrations")) {
    applied.emplace(row[0].as<int>(), row[1].as<std::string>());
  }
  return applied;
}

// Applies `migration` unless a run before ours did; true when this run did.
// Under the lock, what is recorded cannot change until we commit.
bool apply_once(pqxx::connection& conn, const Migration& migration, int version) {
  pqxx::work w(conn);
  lock_migrations(w);
  const auto recorded = w.exec_params("SELECT checksum = md5($2) FROM spawnq.schema_migrations WHERE version = $1",
                                      version, std::string(migration.sql));
  if (!recorded.empty()) {
    if (!recorded[0][0].as<bool>()) {
      throw RuntimeFailure("migration " + std::string(migration.name) +
                           " differs from the one applied to this database; applied migrations "
                           "must never be edited (add a new sql/ file instead)");
    }
    return false;
  }
  w.exec(std::string(migration.sql));
  w.exec_params0("INSERT INTO spawnq.schema_migrations (version, name, checksum) VALUES ($1, $2, md5($3))",
                 version, std::string(migration.name), std::string(migration.sql));
  w.commit();
  return true;
}

}  // namespace

int migration_version(std::string_view name) {
  int version = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
  if (ec != std::errc() || end == name.data() || version <= 0) {
    throw RuntimeFailure("migration '" + std::string(name) + "' does not start with a version number");
  }
  return version;
}

MigrationReport migrate_schema(pqxx::connection& conn, const std::vector<Migration>& migrations) {
  MigrationReport report;
  std::map<int, bool> known;
  for (const Migration& migration : migrations) {
    const int version = migration_version(migration.name);
    known[version] = true;
    if (apply_once(conn, migration, version)) report.applied.emplace_back(migration.name);
  }
  pqxx::work w(conn);
  lock_migrations(w);
  for (const auto& [version, name] : read_applied(w)) {
    report.schema_version = std::max(report.schema_version, version);
    if (!known.count(version)) report.unknown.push_back(name);
  }
  w.commit();
  return report;
}

}  // namespace spawnq
