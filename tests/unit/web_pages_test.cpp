// The console's pure views: the overview's sums, the chart, and pages that
// escape whatever a job or a user wrote.
#include <catch2/catch.hpp>

#include "web/html.hpp"
#include "web/overview.hpp"
#include "web/pages/pages.hpp"

using namespace spawnq;
using namespace std::chrono_literals;

namespace {

WorkerLine worker(const std::vector<std::string>& queues, std::map<std::string, int> max, double silent_s = 1,
                  bool draining = false) {
  WorkerLine w;
  w.queues = queues;
  w.max_workers = std::move(max);
  w.silent_s = silent_s;
  w.draining = draining;
  return w;
}

}  // namespace

TEST_CASE("web overview: max workers sum over serving daemons only, and minutes land in their bars") {
  OverviewInputs in;
  in.stuck_job_timeout = 30s;
  QueueStats stats;
  stats.queue = "default";
  stats.counts = {{JobStatus::processing, 4}, {JobStatus::pending, 9}};
  in.stats = {stats};
  in.workers = {worker({"default"}, {{"default", 3}}), worker({"default", "emails"}, {{"default", 5}, {"emails", 2}}),
                worker({"default"}, {{"default", 100}}, 1, true),  // draining
                worker({"default"}, {{"default", 100}}, 60),       // declared dead
                worker({"old"}, {})};                              // an older daemon says nothing
  in.paused = {"emails"};
  in.finished = {{"default", 0, 7, 1}, {"default", 59, 2, 0}, {"emails", 3, 1, 0}, {"default", 60, 99, 99}};
  const Overview o = build_overview(in);
  REQUIRE(o.queues.size() == 3);
  CHECK(o.queues[0].queue == "default");
  CHECK(o.queues[0].running == 4);
  CHECK(o.queues[0].max_workers == 8);
  CHECK(o.queues[0].daemons == 2);
  CHECK_FALSE(o.queues[0].paused);
  CHECK(o.queues[1].queue == "emails");
  CHECK(o.queues[1].max_workers == 2);
  CHECK(o.queues[1].paused);
  CHECK(o.queues[2].queue == "old");
  CHECK_FALSE(o.queues[2].max_workers);
  CHECK(o.done_per_minute.back() == 7);
  CHECK(o.failed_per_minute.back() == 1);
  CHECK(o.done_per_minute.front() == 2);  // 59 minutes ago
  CHECK(o.done_per_minute[kChartMinutes - 4] == 1);
  std::int64_t all = 0;
  for (const auto n : o.done_per_minute) all += n;
  CHECK(all == 10);  // the minute an hour ago is outside the chart
}

TEST_CASE("web pages: counts, ages and every text from a job are written safely") {
  CHECK(format_count(0) == "0");
  CHECK(format_count(1234567) == "1,234,567");
  CHECK(format_count(10000, true) == "10,000+");
  CHECK(format_age(0.42) == "0.4s");
  CHECK(format_age(75) == "1m 15s");
  CHECK(format_age(7260) == "2h 1m");
  CHECK(format_age(200000) == "2d 7h");
  CHECK(escape_html("<script>\"x\" & 'y'</script>") == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");

  JobsView view;
  view.text.queue = "q\"><script>";
  JobLine line;
  line.id = 7;
  line.queue = "q";
  line.job_type = "<img src=x onerror=alert(1)>";
  line.error = "<b>boom</b>";
  view.page.jobs = {line};
  view.self = "/jobs";
  PageFrame frame;
  frame.form_token = "t0k";
  const std::string html = render_jobs(frame, view, Abilities{true, false});
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;b&gt;boom&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("value=\"retry\"") != std::string::npos);
  CHECK(html.find("value=\"delete\"") == std::string::npos);  // an operator may not delete
  CHECK(html.find("name=\"token\" value=\"t0k\"") != std::string::npos);
  CHECK(jobs_url(view.text, std::string("order <n>"), 5) == "/jobs?queue=q%22%3E%3Cscript%3E&error_group=order%20%3Cn%3E&before_id=5");
}

TEST_CASE("web pages: the chart draws one bar per busy minute, scaled to the busiest") {
  std::vector<std::int64_t> done(60, 0);
  std::vector<std::int64_t> failed(60, 0);
  CHECK(render_chart(done, failed).find("<rect") == std::string::npos);
  done[59] = 10;
  failed[59] = 10;
  done[0] = 5;
  const std::string svg = render_chart(done, failed);
  CHECK(svg.find("aria-label=\"jobs finished per minute over the last hour: 15 done, 10 failed\"") != std::string::npos);
  CHECK(svg.find("height=\"40.0\"><title>0 min ago: 10 done") != std::string::npos);
  CHECK(svg.find("height=\"20.0\"><title>59 min ago: 5 done") != std::string::npos);
}
