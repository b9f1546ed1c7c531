// spawnq record ID (hidden): what job-runner's debugging mode calls after
// running a job by hand. Prints the outcome that would be recorded; with
// --commit, records it as an attempt of its own. Never touches a job that a
// daemon holds.
#include <iostream>

#include "commands.hpp"
#include "common/errors.hpp"
#include "common/outcome.hpp"
#include "common/utf8.hpp"

namespace spawnq {
namespace {

struct RecordFlags {
  JobId id = 0;
  int attempt = 1;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::optional<std::string> result;
  bool commit = false;
};

}  // namespace

Command add_record_command(CLI::App& app, CommandContext& ctx) {
  CLI::App* sub = app.add_subcommand("record", "Record a job run by hand (for job-runner)");
  sub->group("");  // hidden: a tool for job-runner, not for people
  auto flags = std::make_shared<RecordFlags>();
  sub->add_option("ID", flags->id, "Job id")->required();
  sub->add_option("--attempt", flags->attempt, "The attempt's number")->required();
  auto* code = sub->add_option("--exit-code", flags->exit_code, "How the job exited");
  auto* signal = sub->add_option("--signal", flags->signal, "The signal that killed it");
  code->excludes(signal);
  sub->add_option("--result", flags->result, "The last result line it wrote on fd 3");
  sub->add_flag("--commit", flags->commit, "Write it (otherwise only print it)");
  return {sub, [&ctx, flags] {
            if (!flags->exit_code && !flags->signal) throw UsageError("--exit-code or --signal is required");
            auto job = ctx.store().jobs().load_job(flags->id, 0);
            if (!job) throw RuntimeFailure("job " + std::to_string(flags->id) + " not found");
            const QueueConfig queue = ctx.config().settings_for(job->queue);
            AttemptFacts facts;
            facts.exit = flags->signal ? ExitStatus{true, *flags->signal} : ExitStatus{false, *flags->exit_code};
            if (flags->result) {
              std::string why;
              const auto message = parse_child_message(*flags->result, why);
              if (!message || !std::holds_alternative<ResultLine>(*message)) {
                throw UsageError("--result: not a result line (" + why + ")");
              }
              facts.result = std::get<ResultLine>(*message);
            }
            facts.attempt = flags->attempt;
            facts.max_attempts = job->max_attempts == 0 ? queue.max_attempts : job->max_attempts;
            const Decision decision = decide_outcome(facts, queue.backoff);
            const std::string summary =
                "job " + std::to_string(flags->id) + " → " + std::string(to_string(decision.next)) +
                (decision.next == JobStatus::retry_wait ? " in " + format_duration(decision.delay) : "") +
                (decision.error ? ": " + *decision.error : "");
            if (!flags->commit) {
              std::cout << "would record: " << summary << " (nothing written; --commit writes it)\n";
              return;
            }
            AttemptRecord r;
            r.job_id = flags->id;
            r.attempt = flags->attempt;
            r.next_status = decision.next;
            r.retry_delay = decision.delay;
            r.outcome = decision.outcome;
            if (decision.error) r.error = to_valid_utf8(*decision.error);
            (facts.exit.signaled ? r.signal : r.exit_code) = facts.exit.value;
            if (!ctx.store().jobs().record_manual(r)) {
              const auto status = ctx.store().jobs().job_status(flags->id);
              throw RuntimeFailure("job " + std::to_string(flags->id) + " is " +
                                   std::string(status ? to_string(*status) : "gone") +
                                   "; a run by hand is recorded only for pending, retry_wait, failed "
                                   "or dead jobs");
            }
            std::cout << "recorded: " << summary << "\n";
          }};
}

}  // namespace spawnq
