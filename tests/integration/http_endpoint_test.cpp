// The operator endpoints of a running daemon, over real HTTP.
#include <catch2/catch.hpp>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/job_store.hpp"
#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/http_client.hpp"
#include "support/private_cluster.hpp"
#include "support/prometheus_text.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

namespace {

const char* kConfig =
    "poll_interval: 200ms\nheartbeat_interval: 500ms\nstuck_job_timeout: 30s\n"
    "http: { listen: \"127.0.0.1:0\" }\nqueues:\n  default: { max_workers: 2 }\n";

}  // namespace

TEST_CASE("http: /metrics parses strictly and its counters move when jobs run") {
  TestDatabase db;
  DaemonProcess daemon(db.url(), kConfig);
  unsigned short port = 0;
  REQUIRE(wait_until([&] { return (port = http_port_of(daemon)) != 0; }, 10s));
  const std::string done = "spawnq_jobs_finished_total{queue=\"default\",outcome=\"done\"}";
  CHECK(parse_prometheus_text(http_request(port, http::verb::get, "/metrics").body).at(done) == 0);

  auto conn = db.connect();
  JobStore store(*conn);
  EnqueueRequest noop;
  noop.job_type = "noop";
  for (int i = 0; i < 2; ++i) store.jobs().enqueue(noop);
  REQUIRE(wait_until([&] { return db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "2"; }, 10s));
  const auto samples = parse_prometheus_text(http_request(port, http::verb::get, "/metrics").body);
  CHECK(samples.at(done) == 2);
  CHECK(samples.at("spawnq_jobs_claimed_total{queue=\"default\"}") == 2);
  CHECK(samples.at("spawnq_job_duration_seconds_count{queue=\"default\"}") == 2);
  CHECK(samples.at("spawnq_database_up") == 1);
  CHECK(samples.count("spawnq_build_info{version=\"0.1.0\"}") == 1);
}

TEST_CASE("http: /status shows queues and running jobs, and nothing is writable") {
  TestDatabase db;
  DaemonProcess daemon(db.url(), kConfig);
  unsigned short port = 0;
  REQUIRE(wait_until([&] { return (port = http_port_of(daemon)) != 0; }, 10s));
  auto conn = db.connect();
  JobStore store(*conn);
  const JobId id = enqueue(store, "sleep", R"({"seconds": 5})");
  nlohmann::json status;
  REQUIRE(wait_until([&] {
    status = nlohmann::json::parse(http_request(port, http::verb::get, "/status").body);
    return !status["queues"][0]["running"].empty();
  }, 10s));
  CHECK(status["queues"][0]["queue"] == "default");
  CHECK(status["queues"][0]["max_workers"] == 2);
  CHECK(status["queues"][0]["running"][0]["id"] == id);
  CHECK(status["queues"][0]["running"][0]["job_type"] == "sleep");
  CHECK(status["worker_id"].is_number());
  CHECK(http_request(port, http::verb::post, "/metrics").status == 405);
  CHECK(http_request(port, http::verb::delete_, "/status").status == 405);
  CHECK(http_request(port, http::verb::get, "/admin").status == 404);
}

TEST_CASE("http: /healthz turns 503 when PostgreSQL stops, and 200 again when it is back") {
  PrivateCluster cluster;
  DaemonProcess daemon(cluster.url(), kConfig);
  unsigned short port = 0;
  REQUIRE(wait_until([&] { return (port = http_port_of(daemon)) != 0; }, 10s));
  REQUIRE(wait_until([&] { return http_request(port, http::verb::get, "/healthz").status == 200; }, 10s));
  cluster.stop();
  // Heartbeats every 500ms: silent for more than max(3 × 500ms, 5s) means unhealthy.
  CHECK(wait_until([&] { return http_request(port, http::verb::get, "/healthz").status == 503; }, 15s, 200ms));
  CHECK_THAT(http_request(port, http::verb::get, "/healthz").body, Catch::Contains("no database contact"));
  cluster.start();
  CHECK(wait_until([&] { return http_request(port, http::verb::get, "/healthz").status == 200; }, 15s, 200ms));
}
