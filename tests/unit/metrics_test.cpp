#include "daemon/observe/metrics.hpp"

#include <catch2/catch.hpp>

#include "support/prometheus_text.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using spawnq::test::parse_prometheus_text;
using spawnq::test::PrometheusFormatError;

TEST_CASE("metrics render as strict Prometheus text, and count what happened") {
  Metrics metrics("1.2.3");
  metrics.configure_queue("emails", 4);
  metrics.configure_queue("bulk", 1);
  metrics.set_paused("bulk", true);
  metrics.claimed("emails", 3, 1ms, 2ms);
  metrics.finished("emails", JobStatus::done, 150ms);
  metrics.finished("emails", JobStatus::done, 3s);
  metrics.finished("emails", JobStatus::retry_wait, 20ms);
  metrics.spawned("emails", 300us);
  metrics.slot_refilled("emails", 4ms);
  metrics.recorded(7ms);
  metrics.set_running("emails", 1);
  metrics.set_depth({{{"emails", JobStatus::pending}, 7}});
  metrics.set_database_up(true);
  const auto samples = parse_prometheus_text(metrics.render());
  CHECK(samples.at("spawnq_build_info{version=\"1.2.3\"}") == 1);
  CHECK(samples.at("spawnq_database_up") == 1);
  CHECK(samples.at("spawnq_jobs_claimed_total{queue=\"emails\"}") == 3);
  CHECK(samples.at("spawnq_jobs_finished_total{queue=\"emails\",outcome=\"done\"}") == 2);
  CHECK(samples.at("spawnq_jobs_finished_total{queue=\"emails\",outcome=\"retry_wait\"}") == 1);
  CHECK(samples.at("spawnq_jobs_finished_total{queue=\"emails\",outcome=\"dead\"}") == 0);
  CHECK(samples.at("spawnq_running_jobs{queue=\"emails\"}") == 1);
  CHECK(samples.at("spawnq_max_workers{queue=\"emails\"}") == 4);
  CHECK(samples.at("spawnq_queue_paused{queue=\"emails\"}") == 0);
  CHECK(samples.at("spawnq_queue_paused{queue=\"bulk\"}") == 1);
  CHECK(samples.at("spawnq_queue_depth{queue=\"emails\",status=\"pending\"}") == 7);
  CHECK(samples.at("spawnq_job_duration_seconds_bucket{queue=\"emails\",le=\"0.025\"}") == 1);
  CHECK(samples.at("spawnq_job_duration_seconds_bucket{queue=\"emails\",le=\"0.25\"}") == 2);
  CHECK(samples.at("spawnq_job_duration_seconds_bucket{queue=\"emails\",le=\"+Inf\"}") == 3);
  CHECK(samples.at("spawnq_job_duration_seconds_count{queue=\"emails\"}") == 3);
  CHECK(samples.at("spawnq_job_duration_seconds_sum{queue=\"emails\"}") == Approx(3.17));
  CHECK(samples.at("spawnq_claim_wait_seconds_sum") == Approx(0.001));
  CHECK(samples.at("spawnq_claim_latency_seconds_sum") == Approx(0.002));
  CHECK(samples.at("spawnq_spawn_seconds_bucket{queue=\"emails\",le=\"0.0005\"}") == 1);
  CHECK(samples.at("spawnq_spawn_seconds_bucket{queue=\"emails\",le=\"0.00025\"}") == 0);
  CHECK(samples.at("spawnq_slot_refill_seconds_sum{queue=\"emails\"}") == Approx(0.004));
  CHECK(samples.at("spawnq_outcome_latency_seconds_count") == 1);
  CHECK(samples.at("spawnq_claim_latency_seconds_count") == 1);
}

TEST_CASE("label values are escaped") {
  const Metrics metrics("a\"b\\c\nd");
  CHECK(parse_prometheus_text(metrics.render()).count("spawnq_build_info{version=\"a\\\"b\\\\c\\nd\"}") == 1);
}

TEST_CASE("the strict reader refuses what Prometheus would refuse") {
  CHECK_THROWS_AS(parse_prometheus_text("x 1\n"), PrometheusFormatError);  // no TYPE
  CHECK_THROWS_AS(parse_prometheus_text("# TYPE x gauge\nx{a=b} 1\n"), PrometheusFormatError);
  CHECK_THROWS_AS(parse_prometheus_text("# TYPE x gauge\nx one\n"), PrometheusFormatError);
  CHECK_THROWS_AS(parse_prometheus_text("# TYPE x gauge\nx 1"), PrometheusFormatError);
  CHECK_THROWS_AS(parse_prometheus_text("# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 2\n"),
                  PrometheusFormatError);
  CHECK_THROWS_AS(parse_prometheus_text("# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\n"),
                  PrometheusFormatError);
  CHECK(parse_prometheus_text("# TYPE x counter\nx{a=\"q\\\"\"} 1.5\n").at("x{a=\"q\\\"\"}") == 1.5);
  CHECK(parse_prometheus_text("# TYPE x gauge\nx{b=\"2\",a=\"1\"} 3\n").at("x{a=\"1\",b=\"2\"}") == 3);
}
