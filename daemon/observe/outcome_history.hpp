// OutcomeHistory counts finished attempts per second for the last hour, so the
// dashboard can show done/failed/dead over the last minute and hour and the
// jobs/s rate. Fixed memory (3,600 one-second buckets) whatever the job rate.
// Time is passed in, in whole seconds, so it is tested without sleeping.
#pragma once

#include <array>
#include <cstdint>

#include "common/job.hpp"

namespace spawnq {

class OutcomeHistory {
 public:
  struct Counts {
    std::uint64_t done = 0;
    std::uint64_t failed = 0;  // failed for good
    std::uint64_t dead = 0;
    std::uint64_t retried = 0;
    std::uint64_t total() const { return done + failed + dead + retried; }
  };

  void record(std::int64_t now_s, JobStatus next);
  // The counts of the `window_s` seconds up to and including `now_s`.
  Counts last(std::int64_t now_s, std::int64_t window_s) const;

 private:
  static constexpr std::int64_t kSeconds = 3600;
  struct Bucket {
    std::int64_t second = -1;
    Counts counts;
  };
  std::array<Bucket, kSeconds> buckets_{};
};

}  // namespace spawnq
