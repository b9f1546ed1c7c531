// Dependencies (issue 7): a job waits until every job it names is done, and
// is cancelled, naming the culprit, when one of them fails, dies or is
// cancelled; the cancellation runs down the chain.
#include <catch2/catch.hpp>

#include "common/errors.hpp"
#include "common/job_store.hpp"
#include "support/store_fixture.hpp"

using namespace spawnq;
using spawnq::test::Store;

namespace {

JobId add_after(Store& s, std::vector<JobId> after, const std::string& job_type = "noop") {
  EnqueueRequest request;
  request.job_type = job_type;
  request.after = std::move(after);
  return s.store.jobs().enqueue(request);
}

std::string field(Store& s, JobId id, const std::string& expression) {
  return s.db.value("SELECT " + expression + " FROM spawnq.jobs WHERE id = " + std::to_string(id));
}

void finish(Store& s, const ClaimedJob& job, JobStatus status) {
  REQUIRE(s.store.jobs().record(s.outcome(job, status, status == JobStatus::done ? AttemptOutcome::success
                                                                           : AttemptOutcome::fail)));
}

}  // namespace

TEST_CASE("dependencies: a job waits until every dependency is done, then becomes claimable") {
  Store s;
  const JobId a = s.add("noop");
  const JobId b = s.add("noop");
  const JobId c = add_after(s, {b, a, a});
  CHECK(field(s, c, "status || ' ' || blocked_by || ' ' || depends_on::text") ==
        "pending 2 {" + std::to_string(a) + "," + std::to_string(b) + "}");

  auto first = s.store.jobs().claim("default", 10, s.worker, 5);
  REQUIRE(first.size() == 2);  // a and b, never c
  finish(s, first[0], JobStatus::done);
  CHECK(field(s, c, "blocked_by") == "1");
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5).empty());
  finish(s, first[1], JobStatus::done);
  CHECK(field(s, c, "blocked_by") == "0");
  const auto next = s.store.jobs().claim("default", 10, s.worker, 5);
  REQUIRE(next.size() == 1);
  CHECK(next[0].id == c);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_dependencies") == "0");
}

TEST_CASE("dependencies: a failed dependency cancels its dependents, down the chain") {
  Store s;
  const JobId a = s.add("noop");
  const JobId b = add_after(s, {a});
  const JobId c = add_after(s, {b});
  const JobId other = s.add("noop");
  const JobId d = add_after(s, {other, b});
  const auto claimed = s.store.jobs().claim("default", 10, s.worker, 5);
  REQUIRE(claimed.size() == 2);  // a and other
  finish(s, claimed[0], JobStatus::failed);
  CHECK(field(s, b, "status || ': ' || last_error") == "cancelled: dependency " + std::to_string(a) + " ended failed");
  CHECK(field(s, c, "status || ': ' || last_error") == "cancelled: dependency " + std::to_string(b) + " ended cancelled");
  CHECK(field(s, d, "status || ': ' || last_error") == "cancelled: dependency " + std::to_string(b) + " ended cancelled");
  CHECK(field(s, c, "finished_at IS NOT NULL") == "t");
  // d's other dependency finishing later changes nothing.
  finish(s, claimed[1], JobStatus::done);
  CHECK(field(s, d, "status") == "cancelled");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.job_dependencies") == "0");
}

TEST_CASE("dependencies: dependencies already finished are settled at enqueue") {
  Store s;
  const JobId a = s.add("noop");
  finish(s, s.store.jobs().claim("default", 1, s.worker, 5).at(0), JobStatus::done);
  const JobId ready = add_after(s, {a});
  CHECK(field(s, ready, "status || ' ' || blocked_by") == "pending 0");

  const JobId b = s.add("noop");
  finish(s, s.store.jobs().claim("default", 1, s.worker, 5).at(0), JobStatus::done);  // ready or b: one is done
  const JobId doomed = s.add("noop");
  s.db.sql("UPDATE spawnq.jobs SET status = 'dead', finished_at = now() WHERE id = " + std::to_string(doomed));
  const JobId late = add_after(s, {b, doomed});
  CHECK(field(s, late, "status || ': ' || last_error") == "cancelled: dependency " + std::to_string(doomed) + " ended dead");
}

TEST_CASE("dependencies: an unknown dependency is refused and nothing is written") {
  Store s;
  const JobId a = s.add("noop");
  CHECK_THROWS_MATCHES(add_after(s, {a, 999999}), UsageError,
                       Catch::Matchers::Message("spawnq.enqueue: after names job 999999, which does not exist"));
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs") == "1");
}

TEST_CASE("dependencies: producers pass them to spawnq.enqueue() by name") {
  Store s;
  const JobId a = s.add("noop");
  const std::string id = s.db.value("SELECT spawnq.enqueue('noop', after => ARRAY[" + std::to_string(a) + "]::bigint[])");
  CHECK(field(s, std::stoll(id), "blocked_by") == "1");
  const std::string plain = s.db.value("SELECT spawnq.enqueue('noop', queue => 'emails')");
  CHECK(field(s, std::stoll(plain), "blocked_by || ' ' || (depends_on IS NULL)") == "0 true");
}
