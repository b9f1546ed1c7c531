// spawnq work-all / work QUEUE: run the daemon in the foreground (docs/SPEC.md §1.1, §6).
#include <unistd.h>

#include <iostream>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "common/errors.hpp"
#include "common/log.hpp"
#include "flag_values.hpp"
#include "daemon/supervisor/runner_path.hpp"
#include "daemon/dashboard/dashboard.hpp"
#include "daemon/supervisor/daemon.hpp"

namespace spawnq {
namespace {

struct WorkFlags {
  std::string queue;
  std::optional<int> max_workers;
  std::optional<std::string> timeout;
  std::optional<std::string> show;
};

std::string checked_runner(const Config& config) {
  const std::string runner = config.runner.empty() ? default_runner_path() : config.runner;
  if (::access(runner.c_str(), X_OK) != 0) {
    throw UsageError("job-runner not found or not executable at " + runner +
                     " (set runner: in the config)");
  }
  return runner;
}

// Whether to draw the dashboard: --show, else `show:` of the config. Without
// a terminal there is nothing to draw on, so it degrades to log lines.
bool wants_dashboard(const Config& config, const std::optional<std::string>& flag) {
  const std::string show = flag.value_or(config.show == ShowMode::tui ? "tui" : "lines");
  if (show == "lines") return false;
  if (show != "tui") throw UsageError("--show: must be lines or tui, got '" + show + "'");
  if (!::isatty(STDOUT_FILENO)) {
    std::cerr << "spawnq: warning: --show=tui needs a terminal on stdout; showing log lines instead\n";
    return false;
  }
  return true;
}

int run_daemon(CommandContext& ctx, std::vector<QueueConfig> queues, bool dashboard) {
  const Config& config = ctx.config();
  const std::string runner = checked_runner(config);
  LogOptions log = config.log;
  log.quiet = dashboard;  // the dashboard owns the terminal; logs go to log_file only
  init_logging("spawnq", log);
  Daemon daemon(config, std::move(queues), runner);
  if (dashboard) {
    daemon.add_view([](boost::asio::io_context& loop, std::function<DaemonSnapshot()> snapshot,
                       const Metrics& metrics, std::function<void()> drain) {
      return std::make_unique<Dashboard>(loop, std::move(snapshot), metrics, std::move(drain));
    });
  }
  return daemon.run();
}

}  // namespace

Command add_work_all_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<WorkFlags>(app, "work-all",
      "Run the daemon for every configured queue");
  sub->add_option("--show", flags->show, "lines (default) or tui");
  return {sub, [&ctx, flags] {
            const bool dashboard = wants_dashboard(ctx.config(), flags->show);
            if (const int code = run_daemon(ctx, ctx.config().queues, dashboard); code != 0) {
              throw RuntimeFailure("the daemon stopped with errors; see its log");
            }
          }};
}

Command add_work_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<WorkFlags>(app, "work",
      "Run the daemon for one queue");
  sub->add_option("QUEUE", flags->queue, "Queue to serve")->required();
  sub->add_option("--max-workers", flags->max_workers, "Override the queue's max_workers");
  sub->add_option("--timeout", flags->timeout, "Override the queue's job timeout (30, 30s, 5m)");
  sub->add_option("--show", flags->show, "lines (default) or tui");
  return {sub, [&ctx, flags] {
            const bool dashboard = wants_dashboard(ctx.config(), flags->show);
            if (!valid_queue_name(flags->queue)) {
              throw UsageError("QUEUE: '" + flags->queue + "' must be 1-56 characters of A-Z a-z 0-9 _ . -");
            }
            QueueConfig queue = ctx.config().settings_for(flags->queue);
            if (flags->max_workers) {
              require_at_least("--max-workers", *flags->max_workers, 1);
              queue.max_workers = *flags->max_workers;
            }
            if (flags->timeout) {
              queue.timeout = parse_duration_flag("--timeout", *flags->timeout, DurationBound::positive);
            }
            if (const int code = run_daemon(ctx, {queue}, dashboard); code != 0) {
              throw RuntimeFailure("the daemon stopped with errors; see its log");
            }
          }};
}

}  // namespace spawnq
