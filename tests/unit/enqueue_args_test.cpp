#include "daemon/commands/enqueue_args.hpp"

#include "common/errors.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace spawnq;
using Catch::Matchers::Equals;

namespace {
EnqueueFlags flags_for(const std::string& job_type) {
  EnqueueFlags flags;
  flags.job_type = job_type;
  return flags;
}
}  // namespace

TEST_CASE("enqueue flags become a request") {
  EnqueueFlags flags = flags_for("send_email");
  flags.queue = "emails";
  flags.priority = 9;
  flags.delay = "5m";
  flags.max_attempts = 3;
  flags.reference = "order-7";
  flags.group = "batch-1";
  const EnqueueRequest r = to_enqueue_request(flags, R"( { "to" : "a@b" } )");
  CHECK(r.job_type == "send_email");
  CHECK(r.queue == "emails");
  CHECK(r.payload_json == R"({"to":"a@b"})");
  CHECK(r.priority == 9);
  CHECK(r.delay == std::chrono::minutes(5));
  CHECK_FALSE(r.run_at.has_value());
  CHECK(r.max_attempts == 3);
  CHECK(r.reference == "order-7");
  CHECK(r.job_group == "batch-1");
}

TEST_CASE("bad enqueue input is a usage error that names the flag") {
  auto fails = [](EnqueueFlags flags, const std::string& payload, const std::string& message) {
    CHECK_THROWS_WITH(to_enqueue_request(flags, payload), Equals(message));
    CHECK_THROWS_AS(to_enqueue_request(flags, payload), UsageError);
  };
  fails(flags_for(""), "{}", "JOB_TYPE: must be a non-empty name, got ''");
  fails(flags_for("x"), "{\"a\":", "--payload: invalid JSON: parse error at line 1, column 6: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
  fails(flags_for("x"), "[1,2]", "--payload: must be a JSON object, got a JSON array");
  fails(flags_for("x"), "\"text\"", "--payload: must be a JSON object, got a JSON string");
  EnqueueFlags f = flags_for("x");
  f.priority = 0;
  fails(f, "{}", "--priority: must be between 1 and 10, got 0");
  f.priority = 11;
  fails(f, "{}", "--priority: must be between 1 and 10, got 11");
  f = flags_for("x");
  f.delay = "-5";
  fails(f, "{}", "--delay: must be a non-negative duration such as 30, 30s, 5m or 2h, got '-5'");
  f = flags_for("x");
  f.at = "tomorrow";
  fails(f, "{}", "--at: not a timestamp such as 2026-11-23T10:00:00Z, got 'tomorrow'");
  f = flags_for("x");
  f.queue = "no spaces";
  fails(f, "{}", "--queue: must be 1-56 characters of A-Z a-z 0-9 _ . -, got 'no spaces'");
  f = flags_for("x");
  f.max_attempts = 0;
  fails(f, "{}", "--max-attempts: must be ≥ 1, got 0");
  f = flags_for("x");
  f.reference = "";
  fails(f, "{}", "--reference: must not be empty");
}

TEST_CASE("timestamps are strict ISO 8601, and no zone means UTC") {
  CHECK(normalize_timestamp("2026-11-23T10:00:00Z") == "2026-11-23T10:00:00+00:00");
  CHECK(normalize_timestamp("2026-11-23 10:00") == "2026-11-23T10:00:00+00:00");
  CHECK(normalize_timestamp("2026-11-23") == "2026-11-23T00:00:00+00:00");
  CHECK(normalize_timestamp("2026-11-23T10:00:00.25+02:00") == "2026-11-23T10:00:00.25+02:00");
  CHECK(normalize_timestamp("2026-11-23T10:00:00-0530") == "2026-11-23T10:00:00-05:30");
  CHECK(normalize_timestamp("2026-11-23T10:00:00+02") == "2026-11-23T10:00:00+02:00");
  CHECK(normalize_timestamp("2028-02-29T00:00:00Z").has_value());
  for (const char* bad : {"", "now", "2026-02-30", "2027-02-29", "2026-13-01", "2026-11-23T24:00",
                          "2026-11-23T10:60", "2026-11-23T10:00:61", "26-11-23", "2026-11-23T10",
                          "2026-11-23T10:00:00Zjunk", "1700000000"}) {
    INFO(bad);
    CHECK_FALSE(normalize_timestamp(bad).has_value());
  }
}

TEST_CASE("the payload comes from the flag, a file, or stdin") {
  std::istringstream in(R"({"from":"stdin"})");
  CHECK(read_payload_argument("-", in) == R"({"from":"stdin"})");
  CHECK(read_payload_argument(R"({"a":1})", in) == R"({"a":1})");
  CHECK_THROWS_WITH(read_payload_argument("@/nonexistent/p.json", in),
                    Equals("--payload: cannot read /nonexistent/p.json: No such file or directory"));
}

TEST_CASE("enqueue --after takes a comma-separated list of job ids") {
  EnqueueFlags flags = flags_for("report");
  flags.after = "12,15,7";
  CHECK(to_enqueue_request(flags, "{}").after == std::vector<JobId>{12, 15, 7});
  for (const std::string bad : {"", "12,", "a", "0", "-3", "1,,2", "12 "}) {
    INFO(bad);
    flags.after = bad;
    CHECK_THROWS_AS(to_enqueue_request(flags, "{}"), UsageError);
  }
  flags.after = "12,x";
  CHECK_THROWS_WITH(to_enqueue_request(flags, "{}"), Equals("--after: 'x' is not a job id (a positive integer)"));
}
