// The console in a real headless Chromium: the forms work with the headers a
// real browser sends (Origin, Sec-Fetch-Site) and the token of the page, the
// overview updates itself without a reload, and the read views need no
// script. Every page is saved as a PNG in the test output folder
// (build/test-output/console, or $SPAWNQ_SCREENSHOTS; docs/console/ holds
// the ones the README shows).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "support/daemon_process.hpp"
#include "support/enqueue.hpp"
#include "support/wait_until.hpp"
#include "web/web_console.hpp"
#include "web/web_driver.hpp"

using namespace spawnq;
using namespace spawnq::test;
using namespace std::chrono_literals;

namespace {

void screenshot(WebDriver& browser, const std::string& name) {
  const char* chosen = std::getenv("SPAWNQ_SCREENSHOTS");
  const std::string folder = chosen ? chosen : SPAWNQ_TEST_OUTPUT "/console";
  std::filesystem::create_directories(folder);
  browser.save_screenshot(folder + "/" + name + ".png");
  CHECK(std::filesystem::file_size(folder + "/" + name + ".png") > 1000);
}

// A cluster with something to show: two daemons, three queues, a last hour of work, failures.
void populate(JobDatabase& s) {
  s.store.workers().register_worker({"web-1", 4012, "", ""}, {"default", "emails", "imports"}, "0.1.0",
                                    {.max_workers = {{"default", 4}, {"emails", 8}, {"imports", 2}}});
  s.store.workers().register_worker({"web-2", 3977, "", ""}, {"default", "emails"}, "0.1.0",
                                    {.max_workers = {{"default", 4}, {"emails", 8}}});
  s.db.sql("INSERT INTO spawnq.jobs (queue, job_type, status, attempts, created_at, finished_at, last_error)"
           " SELECT (ARRAY['default','emails','imports'])[1 + i % 3], (ARRAY['send_email','resize','import_csv'])[1 + i % 3],"
           "        CASE WHEN i % 17 = 0 THEN 'failed' WHEN i % 29 = 0 THEN 'dead' ELSE 'done' END, 1,"
           "        now() - make_interval(secs => i * 1.7 + 5), now() - make_interval(secs => i * 1.7),"
           "        CASE WHEN i % 17 = 0 THEN 'SMTP 451 for order ' || i || ': try again later'"
           "             WHEN i % 29 = 0 THEN 'row ' || i || ': invalid date' END"
           "   FROM generate_series(1, 2000) i");
  for (int i = 0; i < 40; ++i) enqueue(s.store, "send_email", R"({"to": "user@example.com"})", "emails");
  for (int i = 0; i < 6; ++i) enqueue(s.store, "import_csv", R"({"file": "s3://bucket/2026-12-01.csv"})", "imports");
  s.db.sql("UPDATE spawnq.jobs SET status = 'processing', attempts = 1, started_at = now(),"
           " worker_id = (SELECT min(id) FROM spawnq.workers), progress = 0.4, progress_message = 'row 4,000 of 10,000'"
           " WHERE id IN (SELECT id FROM spawnq.jobs WHERE queue = 'imports' AND status = 'pending' ORDER BY id LIMIT 2)");
  const std::string batch = s.db.value("SELECT spawnq.batch_open(on_complete => 'import_report', "
                                       "description => 'import of 2026-12-01', queue => 'imports')");
  s.db.sql("SELECT spawnq.enqueue('import_part', queue => 'imports', batch => " + batch +
           ") FROM generate_series(1, 30)");
  s.db.sql("UPDATE spawnq.jobs SET status = 'done', finished_at = now() WHERE id IN (SELECT id FROM spawnq.jobs"
           " WHERE batch_id = " + batch + " ORDER BY id LIMIT 18)");
  s.db.sql("SELECT spawnq.batch_close(" + batch + ")");
}

// The populated cluster, its console, and a browser logged in as `user`.
struct Scene {
  explicit Scene(const std::string& user) : browser(basic_auth(user, user + "-pw")) {}
  JobDatabase s;
  bool populated = (populate(s), true);
  WebConsole web{s.db, web_users_yaml()};
  WebDriver browser;
  std::string base = "http://127.0.0.1:" + std::to_string(web.port());
};

}  // namespace

TEST_CASE("browser: an operator ticks a failed job and retries it, with the headers and token a browser sends") {
  Scene scene(kOperator);
  auto [s, browser, base] = std::tie(scene.s, scene.browser, scene.base);
  browser.go(base + "/jobs?status=failed");
  screenshot(browser, "jobs");
  const std::string row = browser.run_script("return document.querySelector('tr[data-job]').dataset.job;").get<std::string>();
  CHECK(s.db.status_of(std::stoll(row)) == "failed");
  browser.click("tr[data-job=\"" + row + "\"] input[name=id]");
  browser.click("button[name=action][value=retry]");
  REQUIRE(wait_until([&] { return browser.exists(".notice"); }, 10s));
  CHECK(browser.text(".notice") == "re-queued 1 job");
  CHECK(browser.url().find("/jobs?status=failed") != std::string::npos);
  CHECK(s.db.status_of(std::stoll(row)) == "pending");
  CHECK(s.db.value("SELECT user_name || ' ' || action FROM spawnq.audit_log") == "olga retry");
}

TEST_CASE("browser: the overview updates itself from the server's one poll, without a reload") {
  Scene scene(kViewer);
  auto [s, browser, base] = std::tie(scene.s, scene.browser, scene.base);
  browser.go(base + "/");
  screenshot(browser, "overview");
  const auto pending_cell = [&] {
    return browser.run_script("return document.querySelector('tr[data-queue=\"emails\"] td.num a')?.textContent || '';")
        .get<std::string>();
  };
  CHECK(pending_cell() == "40");
  browser.run_script("window.spawnqMarker = 1; return 0;");  // gone if the page reloads
  for (int i = 0; i < 5; ++i) enqueue(s.store, "send_email", "{}", "emails");
  CHECK(wait_until([&] { return pending_cell() == "45"; }, 20s));
  CHECK(browser.run_script("return window.spawnqMarker || 0;") == 1);
  CHECK(browser.text("tr[data-queue=\"emails\"] .workers") == "0 / 16");
}

TEST_CASE("browser: job, failures and daemons pages show what the server rendered, which needs no script") {
  Scene scene(kAdmin);
  auto [s, browser, base] = std::tie(scene.s, scene.browser, scene.base);
  const std::string running = s.db.value("SELECT min(id) FROM spawnq.jobs WHERE status = 'processing'");
  browser.go(base + "/jobs/" + running);
  screenshot(browser, "job");
  CHECK(browser.exists("progress"));
  CHECK(browser.text("pre.payload").find("s3://bucket/2026-12-01.csv") != std::string::npos);
  CHECK(browser.exists("button[value=cancel]"));
  CHECK_FALSE(browser.exists("button[value=delete]"));  // a running job cannot be deleted
  browser.go(base + "/failures");
  screenshot(browser, "failures");
  CHECK(browser.text("tr[data-group] code") == "SMTP <n> for order <n>: try again later");
  browser.go(base + "/daemons");
  screenshot(browser, "daemons");
  CHECK(browser.text("tr[data-worker] .state") == "serving");
  browser.go(base + "/schedules");
  screenshot(browser, "schedules");
  CHECK(browser.exists("table.schedules"));
  browser.go(base + "/batches");
  screenshot(browser, "batches");
  CHECK(browser.exists("tr[data-batch] svg.batch-bar rect.done"));
  browser.go(base + "/audit");
  screenshot(browser, "audit");
  CHECK(browser.exists("table.audit"));
  // The server's HTML already holds what the browser showed: nothing needed a script.
  const std::string html = scene.web.get("/failures", kAdmin).body;
  CHECK(html.find("SMTP &lt;n&gt; for order &lt;n&gt;: try again later") != std::string::npos);
}

TEST_CASE("browser: an operator retries a dead job from the failures page and its group leaves the list") {
  JobDatabase s;
  const JobId dead = enqueue(s.store, "charge");
  s.db.sql("UPDATE spawnq.jobs SET status = 'dead', attempts = 5, finished_at = now(),"
           " last_error = 'card 4242 declined (attempt 5 of 5, no attempts left)' WHERE id = " + std::to_string(dead));
  WebConsole web(s.db, web_users_yaml());
  WebDriver browser(basic_auth(kOperator, "olga-pw"));
  const std::string base = "http://127.0.0.1:" + std::to_string(web.port());
  browser.go(base + "/failures");
  REQUIRE(browser.exists("tr[data-group]"));
  browser.click("tr[data-group] button[value=retry]");
  REQUIRE(wait_until([&] { return browser.exists("p.confirm"); }, 10s));  // it asks first, saying how many
  CHECK(browser.text("p.confirm") == "retry 1 job that match this filter?");
  screenshot(browser, "confirm");
  browser.click("button[name=action_all][value=retry]");
  REQUIRE(wait_until([&] { return browser.exists(".notice"); }, 10s));
  CHECK(browser.text(".notice") == "re-queued 1 job");
  CHECK_FALSE(browser.exists("tr[data-group]"));
  CHECK(s.db.status_of(dead) == "pending");
}

TEST_CASE("browser: an operator pauses a queue from the overview and the daemon stops claiming from it") {
  JobDatabase s;
  enqueue(s.store, "noop", "{}", "emails");
  DaemonProcess daemon(s.db.url(), "poll_interval: 200ms\nqueues:\n  default: { max_workers: 1 }\n  emails: { max_workers: 1 }\n");
  REQUIRE(wait_until([&] { return s.db.value("SELECT count(*) FROM spawnq.jobs WHERE status = 'done'") == "1"; }, 15s));
  WebConsole web(s.db, web_users_yaml());
  WebDriver browser(basic_auth(kOperator, "olga-pw"));
  browser.go("http://127.0.0.1:" + std::to_string(web.port()) + "/");
  REQUIRE(wait_until([&] { return browser.exists("tr[data-queue=\"emails\"] button"); }, 10s));
  CHECK(browser.text("tr[data-queue=\"emails\"] button") == "pause");
  browser.click("tr[data-queue=\"emails\"] button");
  REQUIRE(wait_until([&] { return browser.exists(".notice"); }, 10s));
  CHECK(browser.text(".notice") == "paused queue emails");
  CHECK(browser.text("tr[data-queue=\"emails\"] button") == "resume");
  // The daemon hears of the pause; a job of another queue shows it still claims.
  REQUIRE(wait_until([&] { return daemon.log().find("queue=emails paused") != std::string::npos; }, 10s));
  const JobId held = enqueue(s.store, "noop", "{}", "emails");
  const JobId other = enqueue(s.store, "noop", "{}", "default");
  REQUIRE(wait_until([&] { return s.db.status_of(other) == "done"; }, 15s));
  CHECK(s.db.status_of(held) == "pending");
  browser.click("tr[data-queue=\"emails\"] button");
  CHECK(wait_until([&] { return s.db.status_of(held) == "done"; }, 15s));
}
