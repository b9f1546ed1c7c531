#include "outcome_writer.hpp"

#include <memory>

namespace spawnq {

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
  db_.post<std::vector<bool>>(
      [records = std::move(records)](JobStore& store) { return store.record_batch(records); },
      [this, batch](std::vector<bool> applied) {
        in_flight_ = 0;
        for (std::size_t i = 0; i < batch->size(); ++i) (*batch)[i].second.written(applied[i]);
        flush();
      },
      [this, batch](std::exception_ptr error) {
        in_flight_ = 0;
        const std::string why = describe_error(error);
        for (auto& entry : *batch) entry.second.failed(why);
        flush();
      },
      OnOutage::keep);
}

}  // namespace spawnq
