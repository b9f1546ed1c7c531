// spawnq batch open|close|show and spawnq batches: batches of jobs whose
// callbacks the database enqueues once every member has finished
// (docs/SPEC.md §1.1, migration 012). Members join with `enqueue --batch`.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common/batch_json.hpp"
#include "common/errors.hpp"
#include "enqueue_args.hpp"
#include "flag_values.hpp"

namespace spawnq {
namespace {

struct BatchFlags {
  BatchRequest request;
  std::string payload = "{}";  // JSON, @FILE or -
  BatchId id = 0;
  bool json = false;
};

struct BatchesFlags {
  int limit = 50;
  bool json = false;
};

std::string progress_of(const Batch& b) {
  return std::to_string(b.finished()) + "/" + std::to_string(b.total);
}

void print_batch(const Batch& b) {
  const auto line = [](const char* key, const std::string& value) { std::printf("%-14s %s\n", key, value.c_str()); };
  const auto job = [](const std::optional<JobId>& id) { return id ? "job " + std::to_string(*id) : std::string("-"); };
  line("id:", std::to_string(b.id));
  line("state:", std::string(to_string(b.state())));
  line("description:", b.description.value_or("-"));
  line("finished:", progress_of(b) + " (done " + std::to_string(b.done) + ", failed " + std::to_string(b.failed) +
                        ", dead " + std::to_string(b.dead) + ", cancelled " + std::to_string(b.cancelled) + ")");
  line("on_complete:", b.on_complete.value_or("-") + (b.complete_job ? " → " + job(b.complete_job) : ""));
  line("on_success:", b.on_success.value_or("-") + (b.success_job ? " → " + job(b.success_job) : ""));
  line("queue:", b.queue);
  line("payload:", b.payload_json);
  line("created_at:", b.created_at);
  line("closed_at:", b.closed_at.value_or("-"));
  line("completed_at:", b.completed_at.value_or("-"));
  std::printf("members:       spawnq jobs --batch=%lld\n", static_cast<long long>(b.id));
}

Batch found_batch(JobStore& store, BatchId id) {
  auto batch = store.batches().find(id);
  if (!batch) throw RuntimeFailure("batch " + std::to_string(id) + " not found");
  return *batch;
}

}  // namespace

Command add_batch_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<BatchFlags>(app, "batch", "Open, close or show a batch of jobs");
  sub->require_subcommand(1);
  CLI::App* open = sub->add_subcommand("open", "Open a batch and print its id");
  open->add_option("--on-complete", flags->request.on_complete, "Job type enqueued once every member has finished");
  open->add_option("--on-success", flags->request.on_success, "Job type enqueued once every member is done");
  open->add_option("--queue", flags->request.queue, "The callbacks' queue (default: default)");
  open->add_option("--payload", flags->payload, "JSON object handed to the callbacks, @FILE, or - for stdin");
  open->add_option("--description", flags->request.description, "Shown beside the batch");
  CLI::App* close = sub->add_subcommand("close", "Say that no more jobs will join the batch");
  close->add_option("ID", flags->id, "Batch id")->required();
  CLI::App* show = sub->add_subcommand("show", "One batch and its progress");
  show->add_option("ID", flags->id, "Batch id")->required();
  show->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags, open, close] {
            JobStore& store = ctx.store();
            if (open->parsed()) {
              flags->request.payload_json = checked_payload(read_payload_argument(flags->payload, std::cin));
              std::cout << store.batches().open(flags->request) << "\n";
              return;
            }
            require_at_least("ID", flags->id, 1);
            if (close->parsed()) {
              const bool closed = store.batches().close(flags->id);
              const Batch b = found_batch(store, flags->id);
              std::cout << "batch " << b.id << (closed ? " closed: " : " was already closed: ") << b.total
                        << " jobs, " << b.finished() << " finished"
                        << (b.state() == BatchState::complete ? "; complete, callbacks enqueued" : "") << "\n";
              return;
            }
            const Batch b = found_batch(store, flags->id);
            if (flags->json) std::cout << to_json(b).dump(2) << "\n";
            else print_batch(b);
          }};
}

Command add_batches_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<BatchesFlags>(app, "batches",
      "Open batches and those completed within a day, newest first");
  sub->add_option("--limit", flags->limit, "At most this many (default 50)");
  sub->add_flag("--json", flags->json, "One JSON document on stdout");
  return {sub, [&ctx, flags] {
            require_at_least("--limit", flags->limit, 1);
            const auto batches = ctx.store().batches().recent(flags->limit);
            if (flags->json) {
              nlohmann::json all = nlohmann::json::array();
              for (const Batch& b : batches) all.push_back(to_json(b));
              std::cout << nlohmann::json{{"batches", all}}.dump(2) << "\n";
              return;
            }
            std::printf("%-8s %-9s %-13s %-7s %-7s %-6s %-10s %-21s %s\n", "ID", "STATE", "FINISHED", "DONE", "FAILED",
                        "DEAD", "CANCELLED", "CREATED", "DESCRIPTION");
            for (const Batch& b : batches) {
              std::printf("%-8lld %-9s %-13s %-7lld %-7lld %-6lld %-10lld %-21s %s\n", static_cast<long long>(b.id),
                          to_string(b.state()).data(), progress_of(b).c_str(), static_cast<long long>(b.done),
                          static_cast<long long>(b.failed), static_cast<long long>(b.dead),
                          static_cast<long long>(b.cancelled), b.created_at.c_str(),
                          b.description.value_or("").c_str());
            }
          }};
}

}  // namespace spawnq
