// How many free slots one claim asks for: the sizes whose statements keep
// their plan (common/job_queue_sql.cpp).
#include <catch2/catch.hpp>

#include "common/job_queue.hpp"

using namespace spawnq;

TEST_CASE("a claim asks for the largest power of two up to the free slots, at most kLargestClaimBatch") {
  CHECK(claim_batch(1) == 1);
  CHECK(claim_batch(2) == 2);
  CHECK(claim_batch(3) == 2);
  CHECK(claim_batch(13) == 8);
  CHECK(claim_batch(63) == 32);
  CHECK(claim_batch(64) == 64);
  CHECK(claim_batch(1000) == 512);
  CHECK(claim_batch(kLargestClaimBatch) == kLargestClaimBatch);
  CHECK(claim_batch(100000) == kLargestClaimBatch);
  CHECK(claim_batch(0) == 1);  // never asks for nothing
}

TEST_CASE("every size a claim asks for has a statement of each kind, with its limit written in") {
  ClaimLimits fair;
  fair.fair = true;
  ClaimLimits limited;
  limited.global_max = 4;
  ClaimLimits both = limited;
  both.fair = true;
  for (int free = 1; free <= 3 * kLargestClaimBatch; ++free) {
    const int size = claim_batch(free);
    for (const ClaimLimits& limits : {ClaimLimits{}, fair, limited, both}) {
      const std::string name = claim_statement(size, limits);
      INFO(name);
      int found = 0;
      for (const Statement& statement : job_queue_statements()) {
        if (name != statement.name) continue;
        ++found;
        const std::string n = std::to_string(size);
        CHECK(statement.sql.find(limits.empty() ? "LIMIT " + n + " FOR UPDATE SKIP LOCKED"
                                                : "LIMIT " + n + " * 4 + 32 FOR UPDATE SKIP LOCKED") !=
              std::string::npos);
        CHECK((statement.sql.find("fair_rank, id") != std::string::npos) == limits.fair);
        // One placeholder fewer than the claim of `$2` jobs: the limit is none.
        CHECK(statement.sql.find(limits.empty() ? "$6" : "$7") == std::string::npos);
      }
      CHECK(found == 1);
    }
  }
}
