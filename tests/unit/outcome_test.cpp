#include "common/outcome.hpp"

#include <catch2/catch.hpp>
#include <csignal>

using namespace spawnq;
using namespace std::chrono_literals;

namespace {

const std::vector<std::chrono::milliseconds> kBackoff = {10s, 30s, 2min};

AttemptFacts exited(int code, int attempt = 1, int max_attempts = 5) {
  AttemptFacts facts;
  facts.exit = ExitStatus{false, code};
  facts.attempt = attempt;
  facts.max_attempts = max_attempts;
  facts.timeout = 30s;
  return facts;
}

AttemptFacts with_result(ResultLine::Kind kind, std::optional<std::string> error = std::nullopt,
                         std::optional<double> after = std::nullopt, int exit_code = 0) {
  AttemptFacts facts = exited(exit_code);
  facts.result = ResultLine{kind, std::move(error), after};
  return facts;
}

}  // namespace

TEST_CASE("without a result line the exit code decides") {
  const Decision ok = decide_outcome(exited(0), kBackoff);
  CHECK(ok.next == JobStatus::done);
  CHECK(ok.outcome == AttemptOutcome::success);
  CHECK_FALSE(ok.error.has_value());

  const Decision tempfail = decide_outcome(exited(75), kBackoff);
  CHECK(tempfail.next == JobStatus::retry_wait);
  CHECK(tempfail.outcome == AttemptOutcome::retry);
  CHECK(tempfail.delay == 10s);
  CHECK(tempfail.error == "exited with code 75");

  const Decision dataerr = decide_outcome(exited(65), kBackoff);
  CHECK(dataerr.next == JobStatus::failed);
  CHECK(dataerr.outcome == AttemptOutcome::fail);
  CHECK(dataerr.error == "exited with code 65");

  for (int code : {1, 2, 64, 66, 70, 127, 255}) {
    INFO(code);
    const Decision other = decide_outcome(exited(code), kBackoff);
    CHECK(other.next == JobStatus::retry_wait);
    CHECK(other.error == "exited with code " + std::to_string(code));
  }
}

TEST_CASE("death by a signal is retried and says which signal") {
  AttemptFacts facts = exited(0);
  facts.exit = ExitStatus{true, SIGSEGV};
  const Decision d = decide_outcome(facts, kBackoff);
  CHECK(d.next == JobStatus::retry_wait);
  CHECK(d.outcome == AttemptOutcome::retry);
  CHECK(d.error == "killed by signal 11 (SIGSEGV)");
}

TEST_CASE("a result line wins over the exit code") {
  CHECK(decide_outcome(with_result(ResultLine::Kind::success, {}, {}, 3), kBackoff).next == JobStatus::done);

  const Decision fail = decide_outcome(with_result(ResultLine::Kind::fail, "bad address"), kBackoff);
  CHECK(fail.next == JobStatus::failed);
  CHECK(fail.error == "bad address");

  const Decision retry = decide_outcome(with_result(ResultLine::Kind::retry, "busy", 300.0), kBackoff);
  CHECK(retry.next == JobStatus::retry_wait);
  CHECK(retry.delay == 300s);
  CHECK(retry.error == "busy");

  const Decision retry_default = decide_outcome(with_result(ResultLine::Kind::retry, "busy"), kBackoff);
  CHECK(retry_default.delay == 10s);

  const Decision fail_unexplained = decide_outcome(with_result(ResultLine::Kind::fail, {}, {}, 0), kBackoff);
  CHECK(fail_unexplained.error == "failed (exited with code 0)");
}

TEST_CASE("the backoff follows the attempt number") {
  CHECK(decide_outcome(exited(75, 1), kBackoff).delay == 10s);
  CHECK(decide_outcome(exited(75, 2), kBackoff).delay == 30s);
  CHECK(decide_outcome(exited(75, 3), kBackoff).delay == 2min);
  CHECK(decide_outcome(exited(75, 4, 9), kBackoff).delay == 2min);
}

TEST_CASE("a retry with no attempts left is dead instead") {
  const Decision last = decide_outcome(exited(75, 3, 3), kBackoff);
  CHECK(last.next == JobStatus::dead);
  CHECK(last.outcome == AttemptOutcome::retry);
  CHECK(last.error == "exited with code 75 (attempt 3 of 3, no attempts left)");
  AttemptFacts asked = with_result(ResultLine::Kind::retry, "busy", 5.0);
  asked.attempt = asked.max_attempts = 2;
  CHECK(decide_outcome(asked, kBackoff).next == JobStatus::dead);
  // A permanent failure is failed, never dead, on any attempt.
  CHECK(decide_outcome(exited(65, 3, 3), kBackoff).next == JobStatus::failed);
}

TEST_CASE("a timeout is a retry that names the limit, even after a success line") {
  AttemptFacts facts = with_result(ResultLine::Kind::success);
  facts.exit = ExitStatus{true, SIGKILL};
  facts.timed_out = true;
  facts.timeout = 45s;
  const Decision d = decide_outcome(facts, kBackoff);
  CHECK(d.next == JobStatus::retry_wait);
  CHECK(d.outcome == AttemptOutcome::timeout);
  CHECK(d.error == "timed out after 45s");
  facts.timeout = 1500ms;
  CHECK_THAT(*decide_outcome(facts, kBackoff).error, Catch::StartsWith("timed out after 1.5"));
  facts.attempt = facts.max_attempts = 5;
  CHECK(decide_outcome(facts, kBackoff).next == JobStatus::dead);
}

TEST_CASE("a job interrupted by shutdown goes back to the queue at once, attempts or not") {
  AttemptFacts facts = exited(0, 5, 5);
  facts.exit = ExitStatus{true, SIGTERM};
  facts.interrupted = true;
  const Decision d = decide_outcome(facts, kBackoff);
  CHECK(d.next == JobStatus::retry_wait);
  CHECK(d.delay == 0s);
  CHECK(d.error == "interrupted by daemon shutdown (killed by signal 15 (SIGTERM))");
}

TEST_CASE("a job stopped because it was cancelled is cancelled, whatever it did") {
  AttemptFacts facts = with_result(ResultLine::Kind::retry, "busy");
  facts.exit = ExitStatus{true, SIGTERM};
  facts.cancelled = true;
  facts.interrupted = true;
  const Decision d = decide_outcome(facts, kBackoff);
  CHECK(d.next == JobStatus::cancelled);
  CHECK(d.outcome == AttemptOutcome::cancelled);
  CHECK(d.error == "cancelled while running (killed by signal 15 (SIGTERM))");
}
