#include "outcome_writer.hpp"

#include <memory>

#include <pqxx/except>

namespace spawnq {
namespace {

constexpr int kMaxRetries = 5;

// Rolled back by the server (deadlock, serialization failure): worth a retry.
bool is_transient(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::transaction_rollback&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

void OutcomeWriter::write(AttemptRecord record, Done done) {
  waiting_.emplace_back(std::move(record), std::move(done));
  if (in_flight_ == 0) flush();
}

void OutcomeWriter::flush() {
  if (waiting_.empty()) return;
  auto batch = std::make_shared<std::vector<std::pair<AttemptRecord, Done>>>(std::move(waiting_));
  waiting_.clear();
  in_flight_ = batch->size();
  std::vector<AttemptRecord> records;
  records.reserve(batch->size());
  for (const auto& [record, done] : *batch) records.push_back(record);
  db_.post_fenced<std::vector<bool>>(
      [records = std::move(records)](JobStore& store) { return store.jobs().record_batch(records); },
      [this, batch](std::vector<bool> applied, bool in_doubt) {
        in_flight_ = 0;
        retries_ = 0;
        for (std::size_t i = 0; i < batch->size(); ++i) (*batch)[i].second.written(applied[i], in_doubt);
        flush();
      },
      [this, batch](std::exception_ptr error) {
        in_flight_ = 0;
        if (is_transient(error) && ++retries_ <= kMaxRetries) {
          // A deadlock (with a producer locking these jobs as dependencies,
          // say) rolled the batch back: write it again; the fence makes that safe.
          waiting_.insert(waiting_.begin(), std::make_move_iterator(batch->begin()),
                          std::make_move_iterator(batch->end()));
        } else {
          const std::string why = describe_error(error);
          for (auto& entry : *batch) entry.second.failed(why);
        }
        flush();
      });
}

}  // namespace spawnq
