// spawnq migrate: create or upgrade the schema; idempotent and safe to run
// from several hosts at once (schema_migrator holds an advisory lock).
#include <iostream>

#include "commands.hpp"
#include "common/migrations.hpp"
#include "common/schema_migrator.hpp"

namespace spawnq {

Command add_migrate_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("migrate", "Create or upgrade the spawnq schema");
  return {sub, [&ctx] {
            const MigrationReport report = migrate_schema(ctx.connection(), embedded_migrations());
            for (const std::string& name : report.applied) std::cout << "applied " << name << "\n";
            for (const std::string& name : report.unknown) {
              std::cerr << "spawnq: warning: the database has migration " << name
                        << ", which this spawnq does not know; it is older than the schema\n";
            }
            std::cout << "schema is at version " << report.schema_version
                      << (report.applied.empty() ? " (up to date)" : "") << "\n";
          }};
}

}  // namespace spawnq
