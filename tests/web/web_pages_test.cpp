// What the running console shows and does, over real HTTP against real rows:
// the overview across daemons, the jobs list with its filters, counts and
// pages, failures grouped, one job in full, payloads hidden when asked,
// schedules run now, and a query past the statement timeout.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "support/enqueue.hpp"
#include "support/private_cluster.hpp"
#include "support/transaction_pooler.hpp"
#include "support/wait_until.hpp"
#include "web/web_console.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

void fail_job(TestDatabase& db, JobId id, const std::string& error, const std::string& status = "failed") {
  db.sql("UPDATE spawnq.jobs SET status = '" + status + "', attempts = 1, finished_at = now(), last_error = '" +
         error + "' WHERE id = " + std::to_string(id));
}

nlohmann::json json_of(const HttpAnswer& answer) {
  INFO(answer.body);
  REQUIRE(answer.status == 200);
  return nlohmann::json::parse(answer.body);
}

}  // namespace

TEST_CASE("the overview sums running and max workers over the live daemons and pauses a queue") {
  JobDatabase s;
  s.store.workers().register_worker({"host-a", 1, "", ""}, {"default", "emails"}, "t",
                                    {.max_workers = {{"default", 3}, {"emails", 2}}});
  s.store.workers().register_worker({"host-b", 2, "", ""}, {"default"}, "t", {.max_workers = {{"default", 4}}});
  const WorkerId draining =
      s.store.workers().register_worker({"host-c", 3, "", ""}, {"default"}, "t", {.max_workers = {{"default", 9}}});
  s.store.workers().mark_draining(draining);
  for (int i = 0; i < 3; ++i) enqueue(s.store, "noop");
  const JobId done = enqueue(s.store, "noop", "{}", "emails");
  s.db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id = " + std::to_string(done));
  WebConsole web(s.db, web_users_yaml());

  const auto overview = json_of(web.get("/api/overview", kViewer));
  REQUIRE(overview["queues"].size() == 2);
  const auto& queue = overview["queues"][0];
  CHECK(queue["queue"] == "default");
  CHECK(queue["max_workers"] == 7);  // 3 + 4; the draining daemon claims nothing more
  CHECK(queue["daemons"] == 2);
  CHECK(queue["counts"]["pending"] == 3);
  CHECK(overview["queues"][1]["counts"]["done"] == 1);
  CHECK(overview["done_per_minute"].back() == 1);
  CHECK(overview["daemons"].size() == 3);
  const std::string page = web.get("/", kViewer).body;
  CHECK(page.find("<svg class=\"chart\"") != std::string::npos);
  CHECK(page.find("0 / 7") != std::string::npos);

  const HttpAnswer paused = web.post_json("/api/queues/default/pause", "{}", kOperator);
  CHECK(paused.status == 200);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.paused_queues WHERE queue = 'default'") == "1");
  CHECK(json_of(web.post_json("/api/queues/default/pause", "{}", kOperator))["changed"] == false);
  // The overview is read by one poll per server, so it shows the pause within a poll.
  CHECK(wait_until([&] { return json_of(web.get("/api/overview", kViewer))["queues"][0]["paused"] == true; }, 10s));
  CHECK(web.post_json("/api/queues/default/resume", "{}", kOperator).status == 200);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.paused_queues") == "0");
}

TEST_CASE("the overview shows how each queue shares its workers between groups, and when daemons differ") {
  JobDatabase s;
  const QueueShares fair{true, 2};
  s.store.workers().register_worker({"host-a", 1, "", ""}, {"imports", "emails"}, "t",
                                    {.shares = {{"imports", fair}, {"emails", fair}}});
  s.store.workers().register_worker({"host-b", 2, "", ""}, {"imports", "emails"}, "t",
                                    {.shares = {{"imports", fair}, {"emails", QueueShares{true, {}}}}});
  s.store.workers().register_worker({"host-c", 3, "", ""}, {"default"}, "t");
  WebConsole web(s.db, web_users_yaml());

  const auto overview = json_of(web.get("/api/overview", kViewer));
  const auto queue = [&](const std::string& name) {
    for (const auto& q : overview["queues"]) {
      if (q["queue"] == name) return q;
    }
    FAIL("no queue " << name);
    return nlohmann::json();
  };
  CHECK(queue("imports")["shares"] == nlohmann::json({{"fair_by", "group"}, {"group_max_workers", 2}}));
  CHECK(queue("imports")["shares_differ"] == false);
  CHECK(queue("emails")["shares_differ"] == true);
  CHECK(queue("default")["shares"] == nlohmann::json::object());
  const std::string page = web.get("/", kViewer).body;
  CHECK_THAT(page, Catch::Matchers::Contains("<span class=\"badge shares\">fair by group</span> "
                                             "<span class=\"badge shares\">≤ 2 a group</span>"));
  CHECK_THAT(page, Catch::Matchers::Contains("shares differ between daemons"));
}

TEST_CASE("the jobs list filters by URL, counts each status, pages by id, and the page says the same") {
  JobDatabase s;
  std::vector<JobId> imports;
  for (int i = 0; i < 60; ++i) imports.push_back(enqueue(s.store, "import", "{}", "imports"));
  for (int i = 0; i < 5; ++i) fail_job(s.db, imports[static_cast<std::size_t>(i)], "bad row");
  enqueue(s.store, "email", "{}", "emails");
  WebConsole web(s.db, web_users_yaml());

  const auto first = json_of(web.get("/api/jobs?queue=imports&status=pending", kViewer));
  CHECK(first["counts"]["pending"]["count"] == 55);
  CHECK(first["counts"]["failed"]["count"] == 5);
  CHECK(first["counts"]["pending"]["capped"] == false);
  REQUIRE(first["jobs"].size() == 50);
  CHECK(first["jobs"][0]["id"] == imports.back());  // newest first
  REQUIRE(first["next_before_id"].is_number());
  const auto second = json_of(web.get("/api/jobs?queue=imports&status=pending&before_id=" +
                                      std::to_string(first["next_before_id"].get<JobId>()), kViewer));
  CHECK(second["jobs"].size() == 5);
  CHECK(second["next_before_id"].is_null());

  const auto failed = json_of(web.get("/api/jobs?status=failed&error=BAD", kViewer));
  CHECK(failed["jobs"].size() == 5);
  const std::string page = web.get("/jobs?queue=imports&status=failed", kViewer).body;
  CHECK(page.find("data-status=\"pending\">pending <span class=\"count\">55</span>") != std::string::npos);
  CHECK(page.find("class=\"active\" data-status=\"failed\"") != std::string::npos);
  CHECK(page.find("value=\"imports\"") != std::string::npos);  // the filter stays in the form
}

TEST_CASE("failures are grouped with numbers and ids folded, and a group is retried as one") {
  JobDatabase s;
  const JobId a = enqueue(s.store, "webhook");
  const JobId b = enqueue(s.store, "webhook");
  const JobId c = enqueue(s.store, "report");
  const JobId d = enqueue(s.store, "report");
  fail_job(s.db, a, "order 42 not found (request 9f8e7d6c5b4a)");
  fail_job(s.db, b, "order 97 not found (request 1a2b3c4d5e6f)", "dead");
  fail_job(s.db, c, "disk full");
  fail_job(s.db, d, "order 7 not found (request 00000000deadbeef)\nat line 3");
  WebConsole web(s.db, web_users_yaml());

  const auto failures = json_of(web.get("/api/failures", kViewer));
  REQUIRE(failures["groups"].size() == 2);
  const auto& group = failures["groups"][0];
  CHECK(group["error_group"] == "order <n> not found (request <id>)");
  CHECK(group["count"] == 3);
  CHECK(group["job_types"] == nlohmann::json::array({"report", "webhook"}));
  CHECK(group["statuses"] == nlohmann::json::array({"dead", "failed"}));
  CHECK(failures["groups"][1]["error_group"] == "disk full");
  CHECK(web.get("/failures", kViewer).body.find("retry all in this group") == std::string::npos);  // a viewer
  CHECK(web.get("/failures", kOperator).body.find("retry all in this group") != std::string::npos);

  const auto retried = json_of(web.post_json(
      "/api/jobs",
      nlohmann::json{{"action", "retry"}, {"filter", {{"status", "failed,dead"}, {"error_group", group["error_group"]}}}}
          .dump(),
      kOperator));
  CHECK(retried["message"] == "re-queued 3 jobs");
  CHECK(s.db.status_of(a) == "pending");
  CHECK(s.db.status_of(b) == "pending");
  CHECK(s.db.status_of(d) == "pending");
  CHECK(s.db.status_of(c) == "failed");
}

TEST_CASE("a whole-filter action from a form asks first, saying how many, then acts on them") {
  JobDatabase s;
  std::vector<JobId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(enqueue(s.store, "import", "{}", "imports"));
  enqueue(s.store, "email", "{}", "emails");
  WebConsole web(s.db, web_users_yaml());
  const std::string token = web.form_token(kOperator);
  const std::string form = "action_all=cancel&queue=imports&status=pending&return_to=%2Fjobs&token=" + token;

  const HttpAnswer ask = web.post_form("/api/jobs", form, kOperator);
  CHECK(ask.status == 200);
  CHECK(ask.body.find("cancel 3 jobs that match this filter?") != std::string::npos);
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'cancelled'") == "0");

  const HttpAnswer done = web.post_form("/api/jobs", form + "&confirm=yes", kOperator);
  CHECK(done.status == 303);
  for (const JobId id : ids) CHECK(s.db.status_of(id) == "cancelled");
  CHECK(s.db.value("SELECT count(*) FROM spawnq.jobs WHERE queue = 'emails' AND status = 'pending'") == "1");
}

TEST_CASE("one job in full, and with show_payloads off no payload or output tail leaves the server") {
  JobDatabase s;
  const JobId id = enqueue(s.store, "report", R"({"secret": "s3cr3t-payload"})");
  const JobId dependent = [&] {
    EnqueueRequest r;
    r.job_type = "after";
    r.after = {id};
    return s.store.jobs().enqueue(r);
  }();
  s.db.sql("INSERT INTO spawnq.job_attempts (job_id, attempt, host, pid, started_at, finished_at, outcome, exit_code, "
           "error, output_tail) VALUES (" + std::to_string(id) + ", 1, 'host-a', 4242, now() - interval '3 seconds', "
           "now(), 'retry', 3, 'it broke <b>', 'tail-s3cr3t')");
  fail_job(s.db, id, "it broke <b>");
  s.db.sql("UPDATE spawnq.jobs SET progress = 0.5, progress_message = 'halfway' WHERE id = " + std::to_string(id));

  {
    WebConsole web(s.db, web_users_yaml());
    const auto job = json_of(web.get("/api/jobs/" + std::to_string(id), kViewer));
    CHECK(job["job"]["payload"]["secret"] == "s3cr3t-payload");
    CHECK(job["attempts"][0]["host"] == "host-a");
    CHECK(job["attempts"][0]["output_tail"] == "tail-s3cr3t");
    const std::string page = web.get("/jobs/" + std::to_string(id), kOperator).body;
    CHECK(page.find("s3cr3t-payload") != std::string::npos);
    CHECK(page.find("it broke &lt;b&gt;") != std::string::npos);  // escaped, never markup
    CHECK(page.find("it broke <b>") == std::string::npos);
    CHECK(page.find("4242") != std::string::npos);
    CHECK(page.find("<progress max=\"1\" value=\"0.5") != std::string::npos);
    CHECK(page.find("50% halfway") != std::string::npos);
    CHECK(page.find("<p class=\"policy\">priority 5 (default)</p>") != std::string::npos);  // not claimed yet
    CHECK(page.find("value=\"retry\"") != std::string::npos);
    CHECK(web.get("/jobs/" + std::to_string(dependent), kViewer).body.find("href=\"/jobs/" + std::to_string(id) + "\"") !=
          std::string::npos);
    CHECK(web.get("/api/jobs/999999", kViewer).status == 404);
  }
  WebConsole hidden(s.db, web_users_yaml() + "  show_payloads: false\n");
  const HttpAnswer api = hidden.get("/api/jobs/" + std::to_string(id), kViewer);
  const HttpAnswer page = hidden.get("/jobs/" + std::to_string(id), kViewer);
  for (const HttpAnswer* answer : {&api, &page}) {
    CHECK(answer->status == 200);
    CHECK(answer->body.find("s3cr3t") == std::string::npos);
  }
}

TEST_CASE("a schedule runs now from the console, and an unknown one is a 404") {
  JobDatabase s;
  WebConsole web(s.db, web_users_yaml() +
                           "schedules:\n  nightly: { cron: \"0 3 * * *\", job_type: report, payload: {kind: full} }\n");
  const auto schedules = json_of(web.get("/api/schedules", kViewer));
  REQUIRE(schedules["schedules"].size() == 1);
  CHECK(schedules["schedules"][0]["next_run"].is_string());
  const auto ran = json_of(web.post_json("/api/schedules/nightly/run", "{}", kOperator));
  const JobId id = ran["job_id"].get<JobId>();
  CHECK(s.db.value("SELECT job_type || ' ' || payload::text FROM spawnq.jobs WHERE id = " + std::to_string(id)) ==
        "report {\"kind\": \"full\"}");
  CHECK(web.post_json("/api/schedules/weekly/run", "{}", kOperator).status == 404);
  CHECK(s.db.value("SELECT action || ' ' || target FROM spawnq.audit_log ORDER BY id DESC LIMIT 1") ==
        "run_schedule weekly");
}

TEST_CASE("a query that runs past the statement timeout is a 503, and the console goes on") {
  JobDatabase s;
  enqueue(s.store, "noop");
  WebConsole web(s.db, web_users_yaml());
  auto locker = s.db.connect();
  pqxx::work lock(*locker);
  lock.exec("LOCK TABLE spawnq.jobs IN ACCESS EXCLUSIVE MODE");
  const auto started = std::chrono::steady_clock::now();
  const HttpAnswer slow = web.get("/api/jobs", kViewer);
  CHECK(slow.status == 503);
  CHECK(slow.body.find("statement timeout") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < 15s);
  lock.abort();
  CHECK(web.get("/api/jobs", kViewer).status == 200);
}

TEST_CASE("behind a transaction pooler the pages, an action and the statement timeout all hold") {
  JobDatabase s;
  const JobId id = enqueue(s.store, "report");
  s.db.sql("UPDATE spawnq.jobs SET status = 'failed', finished_at = now(), last_error = 'boom' WHERE id = " +
           std::to_string(id));
  TransactionPooler bouncer{2};
  WebConsole web(bouncer.url(s.db.name()), "database: { pooler: transaction }\n" + web_users_yaml());
  for (const char* page : {"/", "/jobs?status=failed", "/failures", "/daemons", "/schedules", "/audit"}) {
    INFO(page);
    CHECK(web.get(page, kViewer).status == 200);
  }
  CHECK(web.get("/jobs/" + std::to_string(id), kViewer).status == 200);
  CHECK(web.post_json("/api/jobs", R"({"action": "retry", "ids": [)" + std::to_string(id) + "]}", kOperator).status == 200);
  CHECK(s.db.status_of(id) == "pending");

  // The timeout is set per transaction, so it holds on whichever server connection the pooler lends.
  auto locker = s.db.connect();
  pqxx::work lock(*locker);
  lock.exec("LOCK TABLE spawnq.jobs IN ACCESS EXCLUSIVE MODE");
  CHECK(web.get("/api/jobs", kViewer).status == 503);
  lock.abort();
  CHECK(web.get("/api/jobs", kViewer).status == 200);
  // …and it never leaks to another client of the same server connections.
  auto pooled = pqxx::connection(bouncer.url(s.db.name()));
  pqxx::nontransaction check(pooled);
  CHECK(check.exec1("SHOW statement_timeout")[0].as<std::string>() == "0");
}

TEST_CASE("while the database is down the pages answer 503, and they come back with it") {
  PrivateCluster cluster;
  WebConsole web(cluster.url(), web_users_yaml());
  CHECK(web.get("/api/jobs", kViewer).status == 200);
  cluster.stop();
  const HttpAnswer down = web.get("/api/jobs", kViewer);
  CHECK(down.status == 503);
  CHECK(down.body.find("out of reach") != std::string::npos);
  CHECK(web.get("/healthz").status == 200);  // the console itself is alive
  cluster.start();
  CHECK(wait_until([&] { return web.get("/api/jobs", kViewer).status == 200; }, 20s));
  CHECK(web.get("/jobs", kViewer).status == 200);
}

TEST_CASE("methods other than GET, HEAD and POST are 405, and HEAD says the length of a body it does not send") {
  JobDatabase s;
  WebConsole web(s.db, web_users_yaml());
  HttpCall remove{boost::beast::http::verb::delete_, "/jobs", {{"Authorization", basic_auth(kAdmin, "alice-pw")}}, ""};
  const HttpAnswer refused = http_call(web.port(), remove);
  CHECK(refused.status == 405);
  CHECK(refused.headers.at("allow") == "GET, HEAD, POST");
  HttpCall head{boost::beast::http::verb::head, "/jobs", {{"Authorization", basic_auth(kAdmin, "alice-pw")}}, ""};
  const HttpAnswer headed = http_call(web.port(), head);
  CHECK(headed.status == 200);
  CHECK(headed.body.empty());
  CHECK(std::stoul(headed.headers.at("content-length")) > 1000);  // the length of the page a GET gets
}

TEST_CASE("batches show their progress by status and link to their members and callback") {
  JobDatabase s;
  const std::string batch = s.db.value(
      "SELECT spawnq.batch_open(on_complete => 'report', description => 'nightly <import>', "
      "payload => '{\"secret\": \"s3cr3t-batch\"}')");
  s.db.sql("SELECT spawnq.enqueue('part', batch => " + batch + ") FROM generate_series(1, 4)");
  s.db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE id IN (SELECT id FROM spawnq.jobs WHERE batch_id = " + batch +
           " ORDER BY id LIMIT 2)");
  s.db.sql("UPDATE spawnq.jobs SET status = 'failed' WHERE id = (SELECT max(id) FROM spawnq.jobs WHERE batch_id = " +
           batch + ")");
  const std::string open = s.db.value("SELECT spawnq.batch_open(description => 'other')");
  s.db.sql("SELECT spawnq.enqueue('unrelated')");
  {
    WebConsole web(s.db, web_users_yaml());
    const auto list = json_of(web.get("/api/batches", kViewer));
    REQUIRE(list["batches"].size() == 2);
    CHECK(list["batches"][0]["id"] == std::stoll(open));
    const auto& b = list["batches"][1];
    CHECK(b["state"] == "filling");
    CHECK(b["total"] == 4);
    CHECK(b["done"] == 2);
    CHECK(b["failed"] == 1);
    const std::string page = web.get("/batches", kViewer).body;
    CHECK(page.find("nightly &lt;import&gt;") != std::string::npos);
    CHECK(page.find("<rect class=\"done\" x=\"0.00\" y=\"0\" width=\"50.00\"") != std::string::npos);
    CHECK(page.find("<rect class=\"failed\" x=\"50.00\" y=\"0\" width=\"25.00\"") != std::string::npos);
    CHECK(page.find("href=\"/jobs?batch=" + batch + "\"") != std::string::npos);

    const auto members = json_of(web.get("/api/jobs?batch=" + batch, kViewer));
    CHECK(members["jobs"].size() == 4);
    CHECK(web.get("/jobs?batch=" + batch, kViewer).body.find("Members of <a href=\"/batches/" + batch) !=
          std::string::npos);
    CHECK(web.get("/api/jobs?batch=x", kViewer).status == 400);

    s.db.sql("UPDATE spawnq.jobs SET status = 'done' WHERE batch_id = " + batch + " AND status = 'pending'");
    s.db.sql("SELECT spawnq.batch_close(" + batch + ")");
    const auto one = json_of(web.get("/api/batches/" + batch, kViewer));
    CHECK(one["state"] == "complete");
    CHECK(one["payload"]["secret"] == "s3cr3t-batch");
    const std::string callback = std::to_string(one["complete_job_id"].get<JobId>());
    CHECK(web.get("/batches/" + batch, kViewer).body.find("report → <a href=\"/jobs/" + callback + "\"") !=
          std::string::npos);
    CHECK(web.get("/api/batches/999999", kViewer).status == 404);
  }
  WebConsole hidden(s.db, web_users_yaml() + "  show_payloads: false\n");
  for (const std::string& path : {std::string("/api/batches"), "/batches/" + batch, "/api/batches/" + batch}) {
    const HttpAnswer answer = hidden.get(path, kViewer);
    CHECK(answer.status == 200);
    CHECK(answer.body.find("s3cr3t") == std::string::npos);
  }
}
