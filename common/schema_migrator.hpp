// Creates or upgrades the spawnq schema (docs/SPEC.md §3): applies each migration not
// yet recorded in spawnq.schema_migrations, in order, each in its own
// transaction. Each of those transactions first takes a transaction-level
// advisory lock, so two `spawnq migrate` at once are safe (the second waits,
// then finds nothing to do) — through a transaction pooler too.
// The bookkeeping SQL lives here; the schema itself lives in sql/.
#pragma once

#include <string>
#include <vector>

#include <pqxx/connection>

#include "migrations.hpp"

namespace spawnq {

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this run, in order
  int schema_version = 0;            // newest version recorded afterwards
  std::vector<std::string> unknown;  // recorded versions this binary does not know
};

// Throws RuntimeFailure when an applied migration's text no longer matches
// what this binary carries (someone edited an applied file).
MigrationReport migrate_schema(pqxx::connection& conn, const std::vector<Migration>& migrations);

// The version number of a migration name: "001_init" → 1.
int migration_version(std::string_view name);

}  // namespace spawnq
