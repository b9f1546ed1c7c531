#include "daemon/supervisor/claim_health.hpp"

#include <catch2/catch.hpp>

#include "common/pooler.hpp"
#include "daemon/observe/daemon_snapshot.hpp"

using namespace spawnq;
using namespace std::chrono_literals;
using Catch::Matchers::Equals;

TEST_CASE("a queue that cannot claim says so once, again when the error changes or a minute passes") {
  ClaimHealth health;
  const auto t0 = ClaimHealth::Clock::time_point{} + 1h;
  CHECK_FALSE(health.failing_for_s(t0).has_value());
  CHECK(health.failed("emails", "ERROR: boom", false, t0) ==
        "queue=emails cannot claim: ERROR: boom; trying again at the next poll");
  CHECK_FALSE(health.failed("emails", "ERROR: boom", false, t0 + 1s).has_value());
  CHECK(health.failing_for_s(t0 + 2s) == Approx(2.0));
  CHECK(health.last_error() == "ERROR: boom");
  CHECK(health.failed("emails", "ERROR: other", false, t0 + 3s) ==
        "queue=emails still cannot claim after 3s: ERROR: other; trying again at the next poll");
  CHECK_FALSE(health.failed("emails", "ERROR: other", false, t0 + 62s).has_value());
  CHECK(health.failed("emails", "ERROR: other", false, t0 + 63s).has_value());
  CHECK(health.succeeded("emails", t0 + 64s) == "queue=emails claiming again after 64.0s");
  CHECK_FALSE(health.failing_for_s(t0 + 65s).has_value());
  CHECK_FALSE(health.succeeded("emails", t0 + 66s).has_value());
}

TEST_CASE("a lost connection is counted but not said: the database thread logs the outage") {
  ClaimHealth health;
  const auto t0 = ClaimHealth::Clock::time_point{} + 1h;
  CHECK_FALSE(health.failed("q", "database unreachable", true, t0).has_value());
  CHECK(health.failing_for_s(t0 + 1s) == Approx(1.0));
  CHECK_FALSE(health.succeeded("q", t0 + 2s).has_value());
}

TEST_CASE("/healthz is 503 while a queue's claims fail for longer than the database may be silent") {
  DaemonSnapshot s;
  s.queues.push_back(QueueSnapshot{"emails", 2, false, {}, {}, std::nullopt, ""});
  CHECK(health_reply(s, 5).status == 200);
  s.queues[0].claims_failing_s = 4;
  s.queues[0].claim_error = "ERROR: prepared statement \"claim\" does not exist";
  CHECK(health_reply(s, 5).status == 200);
  s.queues[0].claims_failing_s = 7;
  const HttpReply reply = health_reply(s, 5);
  CHECK(reply.status == 503);
  CHECK_THAT(reply.body,
             Equals("unhealthy: queue=emails cannot claim for 7s: ERROR: prepared statement \"claim\" does not exist\n"));
}

TEST_CASE("LISTEN goes where a session lives: database.url, else session_url behind a pooler, else nowhere") {
  CHECK(session_url_for(Pooler::none, "postgresql:///a", std::nullopt) == "postgresql:///a");
  CHECK(session_url_for(Pooler::none, "postgresql:///a", "postgresql:///b") == "postgresql:///a");
  CHECK(session_url_for(Pooler::transaction, "postgresql:///a", "postgresql:///b") == "postgresql:///b");
  CHECK_FALSE(session_url_for(Pooler::transaction, "postgresql:///a", std::nullopt).has_value());
  CHECK(parse_pooler("transaction") == Pooler::transaction);
  CHECK_FALSE(parse_pooler("session").has_value());
}
