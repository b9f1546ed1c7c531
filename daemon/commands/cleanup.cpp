// spawnq cleanup: delete terminal jobs (and their attempts) older than N days.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

struct CleanupFlags {
  double days = 30;
  std::string statuses = "done,dead,failed,cancelled";
};

}  // namespace

Command add_cleanup_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<CleanupFlags>(app, "cleanup",
      "Delete old finished jobs");
  sub->add_option("--days", flags->days, "Finished more than this many days ago (default 30)");
  sub->add_option("--status", flags->statuses, "Terminal statuses to delete (default all four)");
  return {sub, [&ctx, flags] {
            if (!(flags->days >= 0)) {
              throw UsageError("--days: must be ≥ 0, got " + std::to_string(flags->days));
            }
            const auto statuses = parse_status_list(
                flags->statuses,
                {JobStatus::done, JobStatus::dead, JobStatus::failed, JobStatus::cancelled});
            const auto older_than = std::chrono::milliseconds(
                static_cast<std::int64_t>(flags->days * 86'400'000.0));
            const auto deleted = ctx.store().admin().cleanup(older_than, statuses);
            std::cout << "deleted " << counted(static_cast<std::size_t>(deleted), "job") << "\n";
          }};
}

}  // namespace spawnq
