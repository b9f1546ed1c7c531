// Who may do what in the running console, over real HTTP: closed by
// default, 401 and 403 by the rules of docs/SPEC.md §1.3, cross-site POSTs
// refused, and every action done through the same fenced statements as the
// CLI, audited and logged.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/enqueue.hpp"
#include "support/wait_until.hpp"
#include "web/web_console.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

namespace {

JobId failed_job(JobDatabase& s, const std::string& error, const std::string& queue = "default") {
  const JobId id = enqueue(s.store, "report", "{}", queue);
  s.db.sql("UPDATE spawnq.jobs SET status = 'failed', attempts = 1, finished_at = now(), last_error = '" + error +
           "' WHERE id = " + std::to_string(id));
  return id;
}

}  // namespace

TEST_CASE("with no users it serves read-only on loopback only, and refuses any other address") {
  TestDatabase db;
  const CliResult refused = run_spawnq({"--database-url", db.url(), "web", "--listen=0.0.0.0:0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("no web.users are configured") != std::string::npos);
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);

  JobDatabase s;
  const JobId id = failed_job(s, "boom");
  WebConsole web(s.db, "queues:\n  default: { max_workers: 2 }\n");
  const HttpAnswer page = web.get("/jobs?status=failed");
  CHECK(page.status == 200);
  CHECK(page.body.find("/jobs/" + std::to_string(id)) != std::string::npos);
  CHECK(page.body.find("read-only") != std::string::npos);
  CHECK(page.body.find("name=\"action\"") == std::string::npos);  // no buttons for the anonymous

  const HttpAnswer action = web.post_json("/api/jobs", R"({"action": "retry", "ids": [)" + std::to_string(id) + "]}", "");
  CHECK(action.status == 403);
  CHECK(s.db.status_of(id) == "failed");
}

TEST_CASE("401 for missing or wrong credentials alike, 403 for a role that may not, and the right role acts") {
  JobDatabase s;
  const JobId one = failed_job(s, "boom");
  const JobId two = failed_job(s, "boom");
  WebConsole web(s.db, web_users_yaml());

  const HttpAnswer none = web.get("/");
  CHECK(none.status == 401);
  CHECK(none.headers.at("www-authenticate").find("Basic") == 0);
  HttpCall wrong{http::verb::get, "/", {{"Authorization", basic_auth(kAdmin, "nope")}}, ""};
  HttpCall unknown{http::verb::get, "/", {{"Authorization", basic_auth("mallory", "nope")}}, ""};
  const HttpAnswer wrong_answer = http_call(web.port(), wrong);
  const HttpAnswer unknown_answer = http_call(web.port(), unknown);
  CHECK(wrong_answer.status == 401);
  CHECK(unknown_answer.status == 401);
  CHECK(wrong_answer.body == unknown_answer.body);
  CHECK(web.get("/", kViewer).status == 200);

  const std::string retry_one = R"({"action": "retry", "ids": [)" + std::to_string(one) + "]}";
  CHECK(web.post_json("/api/jobs", retry_one, kViewer).status == 403);
  CHECK(s.db.status_of(one) == "failed");
  const HttpAnswer retried = web.post_json("/api/jobs", retry_one, kOperator);
  REQUIRE(retried.status == 200);
  CHECK(nlohmann::json::parse(retried.body)["message"] == "re-queued 1 job");
  CHECK(s.db.status_of(one) == "pending");

  const std::string delete_two = R"({"action": "delete", "ids": [)" + std::to_string(two) + "]}";
  CHECK(web.post_json("/api/jobs", delete_two, kOperator).status == 403);
  CHECK(s.db.status_of(two) == "failed");
  CHECK(web.post_json("/api/jobs", delete_two, kAdmin).status == 200);
  CHECK(s.db.status_of(two).empty());

  // Both actions are in the audit log, readable from the console, and logged.
  CHECK(s.db.value("SELECT count(*) FROM spawnq.audit_log") == "2");
  CHECK(s.db.value("SELECT user_name || ' ' || action || ' ' || array_to_string(job_ids, ',') FROM spawnq.audit_log "
                   "ORDER BY id LIMIT 1") == std::string(kOperator) + " retry " + std::to_string(one));
  const auto audit = nlohmann::json::parse(web.get("/api/audit", kViewer).body);
  REQUIRE(audit["entries"].size() == 2);
  CHECK(audit["entries"][0]["action"] == "delete");
  CHECK(audit["entries"][0]["user"] == kAdmin);
  CHECK(web.process().log().find("user=olga action=retry target=jobs jobs=" + std::to_string(one)) !=
        std::string::npos);
  // No password or hash ever reaches the log.
  CHECK(web.process().log().find("-pw") == std::string::npos);
  CHECK(web.process().log().find("$argon2id$") == std::string::npos);
}

TEST_CASE("a cross-site or foreign-Origin POST is refused, and a form needs its session's token") {
  JobDatabase s;
  const JobId id = failed_job(s, "boom");
  WebConsole web(s.db, web_users_yaml());
  const std::string form = "action=retry&id=" + std::to_string(id) + "&return_to=%2Fjobs";

  HttpCall foreign{http::verb::post,
                   "/api/jobs",
                   {{"Content-Type", "application/json"},
                    {"Origin", "https://evil.example"},
                    {"Authorization", basic_auth(kAdmin, "alice-pw")}},
                   R"({"action": "retry", "ids": [)" + std::to_string(id) + "]}"};
  CHECK(http_call(web.port(), foreign).status == 403);
  HttpCall cross = foreign;
  cross.headers.erase("Origin");
  cross.headers["Sec-Fetch-Site"] = "cross-site";
  CHECK(http_call(web.port(), cross).status == 403);
  CHECK(web.post_form("/api/jobs", form, kOperator).status == 403);  // no token
  CHECK(web.post_form("/api/jobs", form + "&token=0123abcd", kOperator).status == 403);
  // Another user's token is not this user's.
  CHECK(web.post_form("/api/jobs", form + "&token=" + web.form_token(kAdmin), kOperator).status == 403);
  CHECK(s.db.status_of(id) == "failed");

  const HttpAnswer done = web.post_form("/api/jobs", form + "&token=" + web.form_token(kOperator), kOperator);
  CHECK(done.status == 303);
  CHECK(done.headers.at("location").rfind("/jobs?notice=re-queued%201%20job", 0) == 0);
  CHECK(s.db.status_of(id) == "pending");
  // A return_to that leaves the console is not followed.
  const JobId other = failed_job(s, "boom");
  const HttpAnswer away =
      web.post_form("/api/jobs", "action=retry&id=" + std::to_string(other) +
                                     "&return_to=%2F%2Fevil.example&token=" + web.form_token(kOperator), kOperator);
  CHECK(away.status == 303);
  CHECK(away.headers.at("location").rfind("/?notice=", 0) == 0);
}

TEST_CASE("a bad action is a 400 that names the field, and nothing changes") {
  JobDatabase s;
  const JobId id = failed_job(s, "boom");
  WebConsole web(s.db, web_users_yaml());
  const auto error_of = [](const HttpAnswer& answer) { return nlohmann::json::parse(answer.body)["error"].get<std::string>(); };
  const HttpAnswer bad_verb = web.post_json("/api/jobs", R"({"action": "explode", "ids": [1]})", kAdmin);
  CHECK(bad_verb.status == 400);
  CHECK(error_of(bad_verb) == "action: 'explode' is not one of retry, cancel, delete");
  const HttpAnswer bad_id = web.post_json("/api/jobs", R"({"action": "retry", "ids": ["x"]})", kAdmin);
  CHECK(bad_id.status == 400);
  CHECK(error_of(bad_id) == "id: 'x' is not a job id");
  const HttpAnswer not_json = web.post_json("/api/jobs", "{", kAdmin);
  CHECK(not_json.status == 400);
  CHECK(error_of(not_json).rfind("body: not JSON", 0) == 0);
  const HttpAnswer bad_since = web.post_json("/api/jobs", R"({"action": "retry", "filter": {"since": "soon"}})", kAdmin);
  CHECK(bad_since.status == 400);
  CHECK(error_of(bad_since).rfind("since: not a duration", 0) == 0);
  CHECK(web.get("/api/jobs?status=nope", kViewer).status == 400);
  CHECK(web.post_json("/api/nowhere", "{}", kAdmin).status == 404);
  CHECK(s.db.status_of(id) == "failed");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.audit_log") == "0");
}

TEST_CASE("with web.tls it serves HTTPS only, and a certificate it cannot load is exit 2 naming the key") {
  TestDatabase db;
  char pattern[] = "/tmp/spawnq-tls.XXXXXX";
  const std::string folder = ::mkdtemp(pattern);
  const CliResult made = run_program("/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                                 "-subj", "/CN=localhost", "-keyout", folder + "/web.key", "-out",
                                                 folder + "/web.crt"});
  REQUIRE(made.exit_code == 0);
  const std::string tls = "  tls: { cert: " + folder + "/web.crt, key: " + folder + "/web.key }\n";
  {
    WebConsole web(db, web_users_yaml() + tls);
    CHECK(web.process().log().find("serving the console on https://") != std::string::npos);
    const HttpAnswer page = web.https_get("/api/overview", kViewer);
    CHECK(page.status == 200);
    CHECK(page.body.find("\"queues\"") != std::string::npos);
    CHECK(web.https_get("/", "mallory").status == 401);
  }
  const auto refusal = [&](const std::string& cert) {
    const std::string config = folder + "/bad.yaml";
    std::ofstream(config) << web_users_yaml() + "  tls: { cert: " + cert + ", key: " + folder + "/web.key }\n";
    return run_spawnq({"--config", config, "--database-url", db.url(), "web", "--listen=127.0.0.1:0"});
  };
  const CliResult missing = refusal(folder + "/missing.crt");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("web.tls.cert: no such file: " + folder + "/missing.crt") != std::string::npos);
  std::ofstream(folder + "/garbage.crt") << "not a certificate\n";
  const CliResult garbage = refusal(folder + "/garbage.crt");
  CHECK(garbage.exit_code == 2);
  CHECK(garbage.err.rfind("spawnq: web.tls.cert: cannot load " + folder + "/garbage.crt: ", 0) == 0);
  std::filesystem::remove_all(folder);
}

TEST_CASE("the API for scripts: one job by path, a bulk call refused past max, queues, workers, q and limit") {
  JobDatabase s;
  std::vector<JobId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(failed_job(s, "timeout calling billing"));
  const JobId other = failed_job(s, "disk full");
  WebConsole web(s.db, web_users_yaml());

  CHECK(web.post_json("/api/jobs/" + std::to_string(ids[0]) + "/retry", "{}", kOperator).status == 200);
  CHECK(s.db.status_of(ids[0]) == "pending");
  CHECK(web.post_json("/api/jobs/" + std::to_string(ids[1]) + "/delete", "{}", kOperator).status == 403);
  CHECK(web.post_json("/api/jobs/" + std::to_string(ids[1]) + "/delete", "{}", kAdmin).status == 200);
  CHECK(s.db.status_of(ids[1]).empty());

  const std::string bulk = R"({"action": "retry", "filter": {"status": "failed", "q": "billing"}, "max": 1})";
  const HttpAnswer refused = web.post_json("/api/jobs/bulk", bulk, kOperator);
  CHECK(refused.status == 409);
  CHECK(nlohmann::json::parse(refused.body)["error"] == "more than 1 jobs match, so none was changed; narrow the filter");
  CHECK(s.db.status_of(ids[2]) == "failed");
  const HttpAnswer done = web.post_json("/api/jobs/bulk", R"({"action": "retry", "filter": {"status": "failed", "q": "billing"}})", kOperator);
  CHECK(done.status == 200);
  CHECK(nlohmann::json::parse(done.body)["message"] == "re-queued 2 jobs");
  CHECK(s.db.status_of(other) == "failed");
  CHECK(web.post_json("/api/jobs/bulk", R"({"action": "retry", "filter": {}, "max": 5000})", kOperator).status == 400);

  const auto queues = nlohmann::json::parse(web.get("/api/queues", kViewer).body);
  CHECK(queues["queues"][0]["queue"] == "default");
  CHECK(nlohmann::json::parse(web.get("/api/workers", kViewer).body)["workers"].is_array());
  const auto page = nlohmann::json::parse(web.get("/api/jobs?q=BILLING&limit=1", kViewer).body);
  CHECK(page["jobs"].size() == 1);
  CHECK(page["next_before_id"].is_number());
  CHECK(web.get("/api/jobs?limit=0", kViewer).status == 400);
}
