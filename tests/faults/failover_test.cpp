// Failover (docs/SPEC.md §2.3, §7.2): two daemons whose database.url names a
// primary and its synchronous standby. The primary is killed as a host dies
// while jobs run, and the standby is promoted. Every job ends `done` exactly
// once (the side-effect log), the daemons never exit, /healthz is 503 while
// no host accepts writes and 200 again once the new primary does, and the
// jobs that ran through the failover have their outcomes written there.
#include <catch2/catch.hpp>

#include <boost/beast/http/verb.hpp>

#include "fault_harness.hpp"
#include "support/http_client.hpp"
#include "support/replicated_cluster.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

unsigned healthz(unsigned short port) {
  try {
    return http_request(port, boost::beast::http::verb::get, "/healthz").status;
  } catch (const std::exception&) {
    return 0;
  }
}

int count_of(const std::string& text, const std::string& word) {
  int n = 0;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("failover: the primary killed while jobs run, the standby promoted: every job done exactly once") {
  ReplicatedCluster cluster;
  FaultHarness h(cluster.url());
  // A failover takes seconds: the daemons must wait it out, not give up their jobs.
  const std::map<std::string, std::string> settings = {{"stuck_job_timeout", "60s"},
                                                       {"http", R"({ listen: "127.0.0.1:0" })"}};
  auto a = h.daemon("default: { max_workers: 4 }", settings);
  auto b = h.daemon("default: { max_workers: 4 }", settings);
  unsigned short port_a = 0, port_b = 0;
  REQUIRE(wait_until([&] { return (port_a = http_port_of(*a)) != 0 && (port_b = http_port_of(*b)) != 0; }, 10s));
  REQUIRE(wait_until([&] { return healthz(port_a) == 200 && healthz(port_b) == 200; }, 10s));

  // Long jobs run through the failover; short ones finish before, during and after it.
  h.add_effects(4, R"({"seconds": 10})");
  h.add_effects(60, R"({"seconds": 0.3})");
  REQUIRE(wait_until([&] { return count_of(h.effects(), "end ") >= 8; }, 20s));

  cluster.kill_primary();
  CHECK(wait_until([&] { return healthz(port_a) == 503 && healthz(port_b) == 503; }, 20s, 200ms));
  cluster.promote_standby();
  const auto promoted = std::chrono::steady_clock::now();
  CHECK(wait_until([&] { return healthz(port_a) == 200 && healthz(port_b) == 200; }, 30s, 100ms));
  const auto reconnect = std::chrono::duration<double>(std::chrono::steady_clock::now() - promoted).count();
  INFO("both daemons healthy " << reconnect << " s after the promotion");
  CHECK(reconnect < 10);

  REQUIRE(h.all_terminal(60s));
  CHECK(h.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done' AND attempts = 1") == "64");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts WHERE outcome = 'success'") == "64");
  CHECK(h.value("SELECT count(*) FROM spawnq.job_attempts") == "64");
  const std::string effects = h.effects();
  CHECK(count_of(effects, "start ") == 64);  // none even began twice
  CHECK(count_of(effects, "end ") == 64);
  h.check_guarantees();
  // The new primary is the old standby, and both daemons live on, registered there.
  CHECK(h.value("SELECT pg_is_in_recovery()::text") == "false");
  CHECK(h.value("SELECT count(*) FROM spawnq.workers") == "2");
  CHECK_FALSE(a->wait_exit(0ms).has_value());
  CHECK_FALSE(b->wait_exit(0ms).has_value());
  CHECK_THAT(a->log(), Contains("database reachable again after"));
  CHECK_THAT(b->log(), Contains("database reachable again after"));
}
