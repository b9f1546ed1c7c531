// Per-type and per-queue limits enforced by the claim itself (issue 7).
#include <catch2/catch.hpp>

#include "common/job_store.hpp"
#include "support/store_fixture.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::Store;

namespace {

int count_of(const std::vector<ClaimedJob>& jobs, const std::string& job_type) {
  return static_cast<int>(std::count_if(jobs.begin(), jobs.end(), [&](const ClaimedJob& j) { return j.job_type == job_type; }));
}

}  // namespace

TEST_CASE("claim limits: max_concurrency holds across workers, and other types are not held up") {
  Store s;
  for (int i = 0; i < 5; ++i) s.add("resize");
  for (int i = 0; i < 3; ++i) s.add("email");
  const WorkerId other = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  ClaimLimits limits;
  limits.types["resize"].max_running = 1;

  const auto first = s.store.jobs().claim("default", 10, s.worker, 5, limits);
  CHECK(count_of(first, "resize") == 1);
  CHECK(count_of(first, "email") == 3);
  CHECK(s.store.jobs().claim("default", 10, other, 5, limits).empty());  // the one resize runs elsewhere
  for (const ClaimedJob& job : first) {
    if (job.job_type == "resize") REQUIRE(s.store.jobs().record(s.outcome(job, JobStatus::done, AttemptOutcome::success)));
  }
  const auto next = s.store.jobs().claim("default", 10, other, 5, limits);
  CHECK(count_of(next, "resize") == 1);
  CHECK(next.size() == 1);
}

TEST_CASE("claim limits: a rate caps starts per window") {
  Store s;
  for (int i = 0; i < 5; ++i) s.add("report");
  ClaimLimits limits;
  limits.types["report"].rate = 2;
  limits.types["report"].per = 1h;
  const auto first = s.store.jobs().claim("default", 10, s.worker, 5, limits);
  CHECK(first.size() == 2);
  for (const ClaimedJob& job : first) REQUIRE(s.store.jobs().record(s.outcome(job, JobStatus::done, AttemptOutcome::success)));
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5, limits).empty());  // done, but started within the hour
  s.db.sql("UPDATE spawnq.jobs SET started_at = now() - interval '2 hours' WHERE started_at IS NOT NULL");
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5, limits).size() == 2);
}

TEST_CASE("claim limits: global_max_workers caps a queue across workers") {
  Store s;
  for (int i = 0; i < 6; ++i) s.add("noop");
  const WorkerId other = s.store.workers().register_worker({"host-b", 1, "", ""}, {"default"}, "test");
  ClaimLimits limits;
  limits.global_max = 4;
  CHECK(s.store.jobs().claim("default", 3, s.worker, 5, limits).size() == 3);
  CHECK(s.store.jobs().claim("default", 3, other, 5, limits).size() == 1);
  CHECK(s.store.jobs().claim("default", 3, other, 5, limits).empty());
  CHECK(s.store.jobs().claim("default", 3, other, 5).size() == 2);  // without limits: everything runnable
}

TEST_CASE("claim limits: the claim runs without JIT, which on a backlog would compile it on every claim") {
  Store s;
  for (int i = 0; i < 3; ++i) s.add("resize");
  // What the claim statement runs under: a trigger on the attempt rows it
  // opens notes the setting in force.
  s.db.sql("CREATE TABLE jit_seen (jit text)");
  s.db.sql("CREATE FUNCTION note_jit() RETURNS trigger LANGUAGE plpgsql AS"
           " $$ BEGIN INSERT INTO jit_seen VALUES (current_setting('jit')); RETURN NEW; END $$");
  s.db.sql("CREATE TRIGGER note_jit BEFORE INSERT ON spawnq.job_attempts FOR EACH ROW EXECUTE FUNCTION note_jit()");
  auto session_jit = [&](const std::string& sql) {
    pqxx::nontransaction session(*s.conn);
    return session.exec1(sql)[0].as<std::string>();
  };
  session_jit("SELECT set_config('jit', 'on', false)");

  ClaimLimits limits;
  limits.types["resize"].max_running = 2;
  CHECK(s.store.jobs().claim("default", 10, s.worker, 5, limits).size() == 2);
  CHECK(s.db.value("SELECT string_agg(jit, ',') FROM jit_seen") == "off,off");
  CHECK(session_jit("SHOW jit") == "on");  // for the claim's transaction only
}
