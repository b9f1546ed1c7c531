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

TEST_CASE("every size a claim asks for has a statement, plain and fair, with its limit written in") {
  for (int free = 1; free <= 3 * kLargestClaimBatch; ++free) {
    const int size = claim_batch(free);
    for (bool fair : {false, true}) {
      const std::string name = claim_statement(size, fair);
      INFO(name);
      bool found = false;
      for (const Statement& statement : job_queue_statements()) {
        if (name != statement.name) continue;
        found = true;
        CHECK(statement.sql.find("LIMIT " + std::to_string(size) + " FOR UPDATE SKIP LOCKED") != std::string::npos);
        CHECK(statement.sql.find("$6") == std::string::npos);  // the limit is no placeholder
      }
      CHECK(found);
    }
  }
}
