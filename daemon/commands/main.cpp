// spawnq: the daemon and every admin command (docs/SPEC.md §1.1). This file parses the
// command line, runs the chosen command, and is the one place where failures
// become a one-line message on stderr and an exit code.
#include <cstdlib>
#include <iostream>

#include <pqxx/except>

#include "common/connection.hpp"
#include "common/errors.hpp"
#include "daemon/commands/commands.hpp"
#include "spawnq/version.hpp"

namespace {

int fail(int code, const std::string& message) {
  std::cerr << "spawnq: " << message << "\n";
  return code;
}

int run_guarded(const spawnq::CommandRun& run) {
  using namespace spawnq;
  try {
    run();
    return kExitOk;
  } catch (const UsageError& e) {
    return fail(kExitUsage, e.what());
  } catch (const RuntimeFailure& e) {
    return fail(kExitRuntime, e.what());
  } catch (const pqxx::broken_connection& e) {
    return fail(kExitRuntime, "lost the database connection: " + first_line(e.what()));
  } catch (const pqxx::undefined_table& e) {
    return fail(kExitRuntime, "the spawnq schema is missing; run `spawnq migrate` (" +
                                  first_line(e.what()) + ")");
  } catch (const pqxx::undefined_function& e) {
    return fail(kExitRuntime, "the spawnq schema is out of date; run `spawnq migrate` (" +
                                  first_line(e.what()) + ")");
  } catch (const pqxx::sql_error& e) {
    return fail(kExitRuntime, "database error: " + first_line(e.what()));
  } catch (const std::exception& e) {
    return fail(kExitRuntime, e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace spawnq;
  // Every connection's clock is UTC. libpq sends PGTZ in the startup packet,
  // which a transaction pooler keeps per client, where a SET would leak
  // (common/connection.hpp). Set before any thread starts; jobs never see it.
  ::setenv("PGTZ", "UTC", 1);
  CLI::App app("spawnq runs background jobs stored in PostgreSQL, each in its own process.",
               "spawnq");
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  // Global options may also follow the command: `spawnq stats --config x.yaml`.
  app.fallthrough();
  GlobalOptions options;
  app.add_option("--config", options.config_path,
                 "Config file (else $SPAWNQ_CONFIG, ./spawnq.yaml, /etc/spawnq/spawnq.yaml)");
  app.add_option("--database-url", options.database_url,
                 "Database (else $SPAWNQ_DATABASE_URL, else database.url of the config)");

  CommandContext ctx(options);
  const Command commands[] = {
      add_migrate_command(app, ctx),       add_enqueue_command(app, ctx),
      add_stats_command(app, ctx),         add_show_command(app, ctx),
      add_requeue_stuck_command(app, ctx), add_retry_failed_command(app, ctx),
      add_cancel_command(app, ctx),        add_cleanup_command(app, ctx),
      add_check_config_command(app, ctx),  add_work_all_command(app, ctx),
      add_work_command(app, ctx),          add_envelope_command(app, ctx),
      add_record_command(app, ctx),        add_schedules_command(app, ctx),
      add_pause_command(app, ctx),         add_resume_command(app, ctx),
      add_jobs_command(app, ctx),          add_retry_command(app, ctx),
      add_delete_command(app, ctx),        add_workers_command(app, ctx),
      add_hash_password_command(app, ctx), add_web_command(app, ctx),
      add_batch_command(app, ctx),         add_batches_command(app, ctx),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 says "A subcommand is required" for a misspelt command; name it.
    const auto rest = app.remaining();
    if (app.get_subcommands().empty() && !rest.empty() && rest.front().rfind("-", 0) != 0) {
      return fail(kExitUsage, "unknown command '" + rest.front() + "' (see spawnq --help)");
    }
    return fail(kExitUsage, std::string(e.what()) + " (see spawnq --help)");
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return run_guarded(command.run);
  }
  return fail(kExitUsage, "no command given (see spawnq --help)");
}
