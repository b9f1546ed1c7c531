// Query strings, form bodies and the console's actions read from them.
#include <catch2/catch.hpp>

#include "common/errors.hpp"
#include "web/console_actions.hpp"
#include "web/web_request.hpp"

using namespace spawnq;

namespace {

WebRequest post(const std::string& path, const std::string& body, bool json = false) {
  WebRequest request;
  request.method = "POST";
  request.path = path;
  request.body = body;
  request.headers["content-type"] = json ? "application/json" : "application/x-www-form-urlencoded";
  return request;
}

}  // namespace

TEST_CASE("web request: forms and queries decode, keep every value of a name, and encode back") {
  const FormFields fields = parse_form("a=1&b=x%20y&b=z+w&empty=&flag&%zz=bad%2");
  CHECK(first_field(fields, "a") == "1");
  CHECK(all_fields(fields, "b") == std::vector<std::string>{"x y", "z w"});
  CHECK(first_field(fields, "empty") == "");
  CHECK(first_field(fields, "flag") == "");
  CHECK(first_field(fields, "%zz") == "bad%2");  // kept as written
  CHECK_FALSE(first_field(fields, "missing"));
  CHECK(url_encode("order 42/é&x") == "order%2042%2F%C3%A9%26x");
  CHECK(url_decode(url_encode("a <b> & \"c\"")) == "a <b> & \"c\"");
}

TEST_CASE("web actions: a form or JSON POST reads into one action, with the role it needs") {
  const auto ticked = parse_action(post("/api/jobs", "action=retry&id=3&id=5&return_to=%2Fjobs%3Fqueue%3Da"));
  REQUIRE(ticked);
  const auto& jobs = std::get<JobsAction>(ticked->what);
  CHECK(jobs.action == BulkAction::retry);
  CHECK(jobs.ids == std::vector<JobId>{3, 5});
  CHECK_FALSE(jobs.all);
  CHECK(ticked->return_to == "/jobs?queue=a");
  CHECK(permission_of(*ticked) == WebPermission::operate);
  CHECK(action_name(*ticked) == "retry");

  const auto all = parse_action(post("/api/jobs", R"({"action": "delete", "filter": {"queue": "q", "status": "failed"}})", true));
  REQUIRE(all);
  const auto& everything = std::get<JobsAction>(all->what);
  CHECK(everything.all);
  CHECK(everything.action == BulkAction::remove);
  CHECK(filter_of(everything).queue == "q");
  CHECK(filter_of(everything).statuses == std::vector<JobStatus>{JobStatus::failed});
  CHECK(permission_of(*all) == WebPermission::administer);
  CHECK(all->json);

  const auto pause = parse_action(post("/api/queues/e%2Fmails/pause", ""));
  REQUIRE(pause);
  CHECK(std::get<QueueAction>(pause->what).queue == "e/mails");
  CHECK(action_name(*pause) == "pause");
  CHECK(action_target(*pause) == "e/mails");
  const auto run = parse_action(post("/api/schedules/nightly/run", ""));
  REQUIRE(run);
  CHECK(action_name(*run) == "run_schedule");
  CHECK_FALSE(parse_action(post("/api/queues/a/explode", "")));
  CHECK_FALSE(parse_action(post("/jobs", "")));
}

TEST_CASE("web actions: a return_to that leaves the console is dropped, and bad fields are named") {
  for (const char* away : {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example", "jobs"}) {
    const auto action = parse_action(post("/api/jobs", std::string("action=retry&id=1&return_to=") + away));
    REQUIRE(action);
    CHECK_FALSE(action->return_to);
  }
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", "action=retry")), "id: tick at least one job");
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", "id=1")), "action: missing (retry, cancel or delete)");
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", "action=retry&id=0")), "id: '0' is not a job id");
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", "action_all=retry&status=nope")),
                    Catch::StartsWith("status: 'nope' is not one of"));
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", R"({"ids": 3})", true)), "ids: must be an array of job ids");
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", R"([1])", true)), "body: must be a JSON object");
  std::string many = "action=cancel";
  for (int i = 1; i <= kDefaultBulkMax + 1; ++i) many += "&id=" + std::to_string(i);
  CHECK_THROWS_WITH(parse_action(post("/api/jobs", many)), "id: at most 1000 jobs per action, got 1001");
}
