#include "common/envelope.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

TEST_CASE("an envelope survives the trip from daemon to runner") {
  Envelope e;
  e.id = 42;
  e.queue = "emails";
  e.job_type = "send_email";
  e.attempt = 2;
  e.max_attempts = 5;
  e.timeout_s = 60;
  e.command = CommandSpec{{"/usr/bin/python3", "send.py"}, {{"SMTP_HOST", "localhost"}}, "/srv/app"};
  const std::string text = format_envelope(e, R"({"to": "a@b"})");
  const Envelope back = parse_envelope(text);
  CHECK(back.id == 42);
  CHECK(back.queue == "emails");
  CHECK(back.job_type == "send_email");
  CHECK(back.attempt == 2);
  CHECK(back.max_attempts == 5);
  CHECK(back.timeout_s == 60);
  CHECK(back.payload["to"] == "a@b");
  REQUIRE(back.command.has_value());
  CHECK(back.command->argv == std::vector<std::string>{"/usr/bin/python3", "send.py"});
  CHECK(back.command->env.at("SMTP_HOST") == "localhost");
  CHECK(back.command->working_dir == "/srv/app");
  CHECK_FALSE(parse_envelope(format_envelope(Envelope{}, "{}")).command.has_value());
}

TEST_CASE("a broken envelope says what is wrong") {
  CHECK_THROWS_AS(parse_envelope("{"), EnvelopeError);
  CHECK_THROWS_WITH(parse_envelope("[]"), "envelope: not a JSON object");
  CHECK_THROWS_WITH(parse_envelope(R"({"queue":"q"})"), "envelope: missing \"id\"");
  CHECK_THROWS_WITH(parse_envelope(R"({"id":"x","queue":"q"})"), "envelope: \"id\" has the wrong type");
  CHECK_THROWS_WITH(parse_envelope(R"({"id":1,"queue":"q","job_type":"t","attempt":1,"max_attempts":1,)"
                                   R"("timeout_s":1,"command":{"argv":[]}})"),
                    "envelope: \"command.argv\" is empty");
}

TEST_CASE("fd 3 lines of the four documented shapes parse, and anything else is refused with a reason") {
  std::string why;
  auto progress = parse_child_message(R"({"progress":0.4,"message":"reading"})", why);
  REQUIRE(progress);
  CHECK(std::get<ProgressLine>(*progress).fraction == Approx(0.4));
  CHECK(std::get<ProgressLine>(*progress).message == "reading");
  CHECK(std::get<ProgressLine>(*parse_child_message(R"({"progress":7})", why)).fraction == 1.0);

  auto success = parse_child_message(R"({"result":"success"})", why);
  REQUIRE(success);
  CHECK(std::get<ResultLine>(*success).kind == ResultLine::Kind::success);
  auto retry = parse_child_message(R"({"result":"retry","error":"busy","retry_after":300})", why);
  REQUIRE(retry);
  CHECK(std::get<ResultLine>(*retry).kind == ResultLine::Kind::retry);
  CHECK(std::get<ResultLine>(*retry).error == "busy");
  CHECK(std::get<ResultLine>(*retry).retry_after_s == 300);
  auto fail = parse_child_message(R"({"result":"fail","error":"no such user"})", why);
  REQUIRE(fail);
  CHECK(std::get<ResultLine>(*fail).kind == ResultLine::Kind::fail);

  const std::pair<const char*, const char*> bad[] = {
      {"garbage", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"hello":1})", "neither \"progress\" nor \"result\""},
      {R"({"result":"maybe"})", "unknown result \"maybe\""},
      {R"({"progress":"half"})", "\"progress\" must be a number"},
  };
  for (const auto& [line, reason] : bad) {
    INFO(line);
    CHECK_FALSE(parse_child_message(line, why).has_value());
    CHECK(why == reason);
  }
}

TEST_CASE("a job's environment drops database credentials and names the job") {
  char a[] = "PATH=/usr/bin";
  char b[] = "PGPASSWORD=secret";
  char c[] = "SPAWNQ_DATABASE_URL=postgresql://x:y@db/z";
  char d[] = "HOME=/root";
  char* base[] = {a, b, c, d, nullptr};
  const auto env = job_environment(job_base_environment(base), 7, "emails", "send", 2, 1234);
  CHECK(env == std::vector<std::string>{"PATH=/usr/bin", "HOME=/root", "SPAWNQ_JOB_ID=7",
                                        "SPAWNQ_QUEUE=emails", "SPAWNQ_JOB_TYPE=send",
                                        "SPAWNQ_ATTEMPT=2", "SPAWNQ_RESULT_FD=3",
                                        "SPAWNQ_PARENT_PID=1234"});
}
