// One function per admin command of docs/SPEC.md §1.1, each in its own file. Each adds
// its subcommand and flags to `app` and returns what runs it once the command
// line has parsed. A command reports failure by throwing UsageError (exit 2)
// or RuntimeFailure (exit 1); it prints its results on stdout.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "daemon/commands/command_context.hpp"

namespace spawnq {

using CommandRun = std::function<void()>;

// A registered subcommand and what runs it.
struct Command {
  CLI::App* app;
  CommandRun run;
};

// A subcommand and the flags its options write into. The flags are shared
// because the run closure reads them after CLI11 has parsed into them.
template <class Flags>
struct SubcommandWithFlags {
  CLI::App* app;
  std::shared_ptr<Flags> flags;
};

template <class Flags>
SubcommandWithFlags<Flags> add_subcommand_with_flags(CLI::App& app, const std::string& name,
                                                     const std::string& description) {
  return {app.add_subcommand(name, description), std::make_shared<Flags>()};
}

Command add_migrate_command(CLI::App& app, CommandContext& ctx);
Command add_enqueue_command(CLI::App& app, CommandContext& ctx);
Command add_stats_command(CLI::App& app, CommandContext& ctx);
Command add_show_command(CLI::App& app, CommandContext& ctx);
Command add_jobs_command(CLI::App& app, CommandContext& ctx);
Command add_retry_command(CLI::App& app, CommandContext& ctx);
Command add_delete_command(CLI::App& app, CommandContext& ctx);
Command add_workers_command(CLI::App& app, CommandContext& ctx);
Command add_requeue_stuck_command(CLI::App& app, CommandContext& ctx);
Command add_retry_failed_command(CLI::App& app, CommandContext& ctx);
Command add_cancel_command(CLI::App& app, CommandContext& ctx);
Command add_cleanup_command(CLI::App& app, CommandContext& ctx);
Command add_check_config_command(CLI::App& app, CommandContext& ctx);
Command add_schedules_command(CLI::App& app, CommandContext& ctx);
Command add_pause_command(CLI::App& app, CommandContext& ctx);
Command add_resume_command(CLI::App& app, CommandContext& ctx);
Command add_work_all_command(CLI::App& app, CommandContext& ctx);
Command add_work_command(CLI::App& app, CommandContext& ctx);
Command add_hash_password_command(CLI::App& app, CommandContext& ctx);
Command add_web_command(CLI::App& app, CommandContext& ctx);
Command add_batch_command(CLI::App& app, CommandContext& ctx);
Command add_batches_command(CLI::App& app, CommandContext& ctx);
Command add_envelope_command(CLI::App& app, CommandContext& ctx);  // hidden, for job-runner
Command add_record_command(CLI::App& app, CommandContext& ctx);    // hidden, for job-runner

}  // namespace spawnq
