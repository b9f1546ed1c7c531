#include "outcome_history.hpp"

namespace spawnq {

void OutcomeHistory::record(std::int64_t now_s, JobStatus next) {
  Bucket& bucket = buckets_[static_cast<std::size_t>(now_s % kSeconds)];
  if (bucket.second != now_s) bucket = Bucket{now_s, {}};
  switch (next) {
    case JobStatus::done: ++bucket.counts.done; break;
    case JobStatus::failed: ++bucket.counts.failed; break;
    case JobStatus::dead: ++bucket.counts.dead; break;
    default: ++bucket.counts.retried; break;
  }
}

OutcomeHistory::Counts OutcomeHistory::last(std::int64_t now_s, std::int64_t window_s) const {
  Counts sum;
  for (const Bucket& bucket : buckets_) {
    if (bucket.second > now_s - window_s && bucket.second <= now_s) {
      sum.done += bucket.counts.done;
      sum.failed += bucket.counts.failed;
      sum.dead += bucket.counts.dead;
      sum.retried += bucket.counts.retried;
    }
  }
  return sum;
}

}  // namespace spawnq
