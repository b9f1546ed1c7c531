// job-runner beyond the daemon: a person debugging one job, and a custom
// runner built on the public API, run by the daemon through `runner:`.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs job-runner by hand as a person would, with the database in the environment.
Run job_runner(const std::string& database_url, const std::string& args) {
  const std::string command = "SPAWNQ_DATABASE_URL=\"" + database_url + "\" '" + JOB_RUNNER_BIN + "' " + args +
                              " --config=/dev/null 2>&1";
  Run run;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) run.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

TEST_CASE_METHOD(JobDatabase, "job-runner --job-id runs a job in the foreground and changes nothing without --commit") {
  const JobId id = enqueue(store, "echo", R"({"hello": "world"})");
  const std::string row_before = db.value("SELECT row_to_json(j)::text FROM spawnq.jobs j");

  const Run dry = job_runner(db.url(), "--job-id=" + std::to_string(id));
  INFO(dry.output);
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.output, Contains(R"({"hello":"world"})"));
  CHECK_THAT(dry.output, Contains("would record: job " + std::to_string(id) + " → done"));
  CHECK(db.value("SELECT row_to_json(j)::text FROM spawnq.jobs j") == row_before);
  CHECK(db.value("SELECT count(*) FROM spawnq.job_attempts") == "0");

  const Run committed = job_runner(db.url(), "--job-id=" + std::to_string(id) + " --commit");
  INFO(committed.output);
  CHECK(committed.exit_code == 0);
  CHECK_THAT(committed.output, Contains("recorded: job " + std::to_string(id) + " → done"));
  CHECK(db.value("SELECT status || ' ' || attempts FROM spawnq.jobs") == "done 1");
  CHECK(db.value("SELECT outcome || ' ' || (worker_id IS NULL) FROM spawnq.job_attempts") == "success true");
}

TEST_CASE_METHOD(JobDatabase, "job-runner --job-id reports failures, and refuses jobs it cannot run") {
  const JobId failing = enqueue(store, "fail", R"({"retryable": true, "message": "try later"})");
  const Run run = job_runner(db.url(), "--job-id=" + std::to_string(failing));
  INFO(run.output);
  CHECK(run.exit_code == 75);
  CHECK_THAT(run.output, Contains("would record: job " + std::to_string(failing) + " → retry_wait in 10s: try later"));
  CHECK(db.status_of(failing) == "pending");

  const Run missing = job_runner(db.url(), "--job-id=999999");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("job 999999 not found"));

  const WorkerId worker = store.workers().register_worker({"h", 1, "", ""}, {"default"}, "t");
  const JobId held = enqueue(store, "noop", "{}");
  store.jobs().claim("default", 10, worker, 5);
  const Run refused = job_runner(db.url(), "--job-id=" + std::to_string(held) + " --commit");
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("is processing"));
  CHECK(db.status_of(held) == "processing");

  CHECK(job_runner(db.url(), "--job-id=abc").exit_code == 2);
  CHECK(job_runner(db.url(), "--bogus").exit_code == 2);
}

TEST_CASE_METHOD(JobDatabase, "the custom runner example runs jobs end to end under the daemon") {
  DaemonProcess daemon(db.url(), std::string("runner: ") + CUSTOM_RUNNER_BIN +
                                     "\npoll_interval: 200ms\nqueues:\n  default: { max_workers: 2 }\n");
  const JobId shout = enqueue(store, "shout", R"({"text": "hello"})");
  const JobId flaky = enqueue(store, "flaky", "{}");
  const JobId builtin = enqueue(store, "noop", "{}");
  REQUIRE(wait_until([&] { return db.status_of(shout) == "done"; }, 10s));
  CHECK_THAT(db.value("SELECT output_tail FROM spawnq.job_attempts WHERE job_id = " + std::to_string(shout)),
             Contains("HELLO"));
  REQUIRE(wait_until([&] { return db.status_of(flaky) == "retry_wait"; }, 10s));
  CHECK(db.value("SELECT last_error || ' ' || (available_at > now() + interval '100 seconds') FROM spawnq.jobs "
                 "WHERE id = " + std::to_string(flaky)) == "upstream unavailable true");
  REQUIRE(wait_until([&] { return db.status_of(builtin) == "done"; }, 10s));
  CHECK_THAT(daemon.log(), Contains("runner=" + std::string(CUSTOM_RUNNER_BIN)));
}
