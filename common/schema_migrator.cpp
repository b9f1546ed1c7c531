#include "schema_migrator.hpp"

#include <charconv>
#include <map>

#include <pqxx/pqxx>

#include "errors.hpp"

namespace spawnq {
namespace {

// Any fixed number works; this one spells "spawnq" so it is recognisable in pg_locks.
constexpr long long kMigrateLockKey = 0x737061776e71;

struct Applied {
  std::string name;
  std::string checksum;
};

std::map<int, Applied> read_applied(pqxx::connection& conn) {
  pqxx::work w(conn);
  w.exec0("CREATE SCHEMA IF NOT EXISTS spawnq");
  w.exec0(
      "CREATE TABLE IF NOT EXISTS spawnq.schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())");
  std::map<int, Applied> applied;
  for (const auto& row : w.exec("SELECT version, name, checksum FROM spawnq.schema_migrations")) {
    applied.emplace(row[0].as<int>(), Applied{row[1].as<std::string>(), row[2].as<std::string>()});
  }
  w.commit();
  return applied;
}

std::string checksum_of(pqxx::connection& conn, std::string_view sql) {
  pqxx::nontransaction n(conn);
  return n.exec_params1("SELECT md5($1)", std::string(sql))[0].as<std::string>();
}

void apply(pqxx::connection& conn, const Migration& migration, int version) {
  pqxx::work w(conn);
  w.exec(std::string(migration.sql));
  w.exec_params0("INSERT INTO spawnq.schema_migrations (version, name, checksum) VALUES ($1, $2, md5($3))",
                 version, std::string(migration.name), std::string(migration.sql));
  w.commit();
}

class AdvisoryLock {
 public:
  explicit AdvisoryLock(pqxx::connection& conn) : conn_(conn) {
    pqxx::nontransaction(conn_).exec_params("SELECT pg_advisory_lock($1)", kMigrateLockKey);
  }
  ~AdvisoryLock() {
    try {
      pqxx::nontransaction(conn_).exec_params("SELECT pg_advisory_unlock($1)", kMigrateLockKey);
    } catch (const std::exception&) {
      // A broken connection has released the lock already.
    }
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  pqxx::connection& conn_;
};

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
  AdvisoryLock lock(conn);
  std::map<int, Applied> applied = read_applied(conn);
  MigrationReport report;
  std::map<int, bool> known;
  for (const Migration& migration : migrations) {
    const int version = migration_version(migration.name);
    known[version] = true;
    if (auto it = applied.find(version); it != applied.end()) {
      if (it->second.checksum != checksum_of(conn, migration.sql)) {
        throw RuntimeFailure("migration " + std::string(migration.name) +
                             " differs from the one applied to this database; applied migrations "
                             "must never be edited (add a new sql/ file instead)");
      }
      continue;
    }
    apply(conn, migration, version);
    applied.emplace(version, Applied{std::string(migration.name), ""});
    report.applied.emplace_back(migration.name);
  }
  for (const auto& [version, entry] : applied) {
    report.schema_version = std::max(report.schema_version, version);
    if (!known.count(version)) report.unknown.push_back(entry.name);
  }
  return report;
}

}  // namespace spawnq
