// daemon/supervisor/outcome_writer: outcomes that finish together go in one
// write, each told whether its fence held.
#include "daemon/supervisor/outcome_writer.hpp"

#include <catch2/catch.hpp>

#include "daemon/maintenance/worker_identity.hpp"
#include "support/enqueue.hpp"
#include "support/run_loop.hpp"
#include "support/test_database.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

TEST_CASE("core: the outcome writer writes outcomes that wait together, and reports fences that did not hold") {
  TestDatabase test;
  auto conn = test.connect();
  JobStore store(*conn);
  const WorkerId worker = store.workers().register_worker(this_worker(), {"default"}, "test");
  for (int i = 0; i < 5; ++i) enqueue(store, "noop");
  const std::vector<ClaimedJob> claimed = store.jobs().claim("default", 5, worker, 3);
  REQUIRE(claimed.size() == 5);

  boost::asio::io_context loop;
  DbExecutor db(loop, test.url());
  db.start();
  OutcomeWriter writer(db);
  std::map<JobId, bool> applied;
  for (const ClaimedJob& job : claimed) {
    AttemptRecord record;
    record.job_id = job.id;
    record.attempt = job.attempt;
    // The last one names another worker: its fence must not hold.
    record.worker_id = &job == &claimed.back() ? worker + 1000 : worker;
    writer.write(record, OutcomeWriter::Done{[&, id = job.id](bool ok, bool) { applied[id] = ok; },
                                             [](const std::string& error) { FAIL(error); }});
  }
  // The first write went out alone; the other four waited and went together.
  CHECK(writer.unwritten() == 5);
  REQUIRE(run_loop_until(loop, [&] { return applied.size() == 5; }, 10s));
  for (const ClaimedJob& job : claimed) CHECK(applied[job.id] == (&job != &claimed.back()));
  CHECK(test.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "4");
  CHECK(writer.unwritten() == 0);
  db.stop();
}
