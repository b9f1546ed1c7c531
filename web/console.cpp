#include "console.hpp"

#include <algorithm>
#include <limits>

#include <pqxx/except>
#include <spdlog/spdlog.h>

#include "common/connection.hpp"
#include "common/errors.hpp"
#include "web/access.hpp"
#include "web/console_actions.hpp"
#include "web/console_api.hpp"
#include "web/console_assets.hpp"
#include "web/pages/pages.hpp"

namespace spawnq {

struct Console::Caller {
  std::string user;  // empty: the anonymous viewer
  WebRole role = WebRole::viewer;
  Abilities can;
  std::string token;
  bool wants_json = false;
};

namespace {

constexpr std::int64_t kCountCap = 10000;
constexpr auto kFreshAfterAction = std::chrono::milliseconds(2000);
constexpr const char* kQueryCanceled = "57014";  // a statement ran past statement_timeout

WebResponse json_response(unsigned status, const nlohmann::json& body) {
  return WebResponse{status, "application/json", body.dump(2) + "\n", {}};
}

WebResponse html_response(unsigned status, const std::string& html) {
  return WebResponse{status, "text/html; charset=utf-8", html, {}};
}

WebResponse redirect(const std::string& to) {
  WebResponse response{303, "text/plain; charset=utf-8", "see " + to + "\n", {}};
  response.headers["Location"] = to;
  return response;
}

std::optional<JobId> id_param(const std::optional<std::string>& text, const char* name) {
  if (!text || text->empty()) return std::nullopt;
  const auto id = parse_whole(*text, 1, std::numeric_limits<JobId>::max());
  if (!id) throw UsageError(std::string(name) + ": '" + *text + "' is not an id");
  return *id;
}

int page_size_of(const WebRequest& request, int fallback) {
  const auto text = filled_field(request.query, "limit");
  if (!text) return fallback;
  const auto limit = parse_whole(*text, 1, 500);
  if (!limit) throw UsageError("limit: must be 1 to 500, got '" + *text + "'");
  return static_cast<int>(*limit);
}

std::string with_notice(const std::string& path, const std::string& notice, bool error) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "notice=" + url_encode(notice) +
         (error ? "&notice_error=1" : "");
}

}  // namespace

Console::Console(const Config& config, StorePool& stores, OverviewPoller& overview, ConsoleOptions options)
    : config_(config), stores_(stores), overview_(overview), options_(options) {}

WebResponse Console::handle(const WebRequest& request) {
  const bool api = request.path.rfind("/api/", 0) == 0;
  if (request.path == "/healthz") return WebResponse{200, "text/plain; charset=utf-8", "ok\n", {}};
  if (const auto asset = console_asset(request.path)) {
    WebResponse response{200, std::string(asset->content_type), std::string(asset->body), {}};
    response.headers["Cache-Control"] = "max-age=3600";
    return response;
  }
  const bool post = request.method == "POST";
  if (!post && request.method != "GET" && request.method != "HEAD") {
    WebResponse response{405, "text/plain; charset=utf-8", "only GET, HEAD and POST are served here\n", {}};
    response.headers["Allow"] = "GET, HEAD, POST";
    return response;
  }

  // What the request needs decides access, so an action is parsed first;
  // a malformed one is answered only once the caller may act at all.
  std::optional<ActionRequest> action;
  std::optional<std::string> malformed;
  WebPermission needs = WebPermission::read;
  if (post) {
    try {
      action = parse_action(request);
      if (!action) return json_response(404, {{"error", "no action at " + request.path}});
      needs = permission_of(*action);
    } catch (const UsageError& e) {
      malformed = e.what();
      needs = WebPermission::operate;
    }
  }
  AccessRequest access;
  access.is_post = post;
  access.needs = needs;
  access.authorization = request.header("authorization");
  access.origin = request.header("origin");
  access.sec_fetch_site = request.header("sec-fetch-site");
  access.own_origin = std::string(options_.tls ? "https://" : "http://") + request.header("host").value_or("");
  access.json_body = request.header("content-type").value_or("").rfind("application/json", 0) == 0;
  if (post && !access.json_body) access.form_token = first_field(parse_form(request.body), "token");
  const AccessDecision decision = decide_access(
      access, config_.web.users,
      [this](const std::string& hash, std::string_view password) { return keys_.password_matches(hash, password); },
      [this](const std::string& user) { return keys_.form_token(user); });
  if (decision.status != 200) {
    if (post || decision.status == 403) {
      spdlog::warn("web: {} {} refused ({}): {}", request.method, request.path, decision.status, decision.reason);
    }
    WebResponse response = api || post ? json_response(decision.status, {{"error", decision.reason}})
                                       : WebResponse{decision.status, "text/plain; charset=utf-8",
                                                     decision.reason + "\n", {}};
    if (decision.status == 401) response.headers["WWW-Authenticate"] = "Basic realm=\"spawnq\", charset=\"UTF-8\"";
    return response;
  }

  Caller caller;
  caller.user = decision.user.value_or("");
  caller.role = decision.role;
  const bool anonymous = !decision.user;
  caller.can.operate = !anonymous && role_allows(decision.role, WebPermission::operate);
  caller.can.administer = !anonymous && role_allows(decision.role, WebPermission::administer);
  caller.token = keys_.form_token(caller.user);
  caller.wants_json = api;
  try {
    if (malformed) throw UsageError(*malformed);
    if (post) return act(request, caller);
    return route(request, caller);
  } catch (const UsageError& e) {
    return api || post ? json_response(400, {{"error", e.what()}}) : html_response(400, escape_html(e.what()) + "\n");
  } catch (const pqxx::broken_connection& e) {
    spdlog::warn("web: the database is out of reach: {}", first_line(e.what()));
    return json_response(503, {{"error", "the database is out of reach: " + first_line(e.what())}});
  } catch (const RuntimeFailure& e) {
    spdlog::warn("web: {} {}: {}", request.method, request.path, e.what());
    return json_response(503, {{"error", e.what()}});
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == kQueryCanceled) {
      spdlog::warn("web: {} {} ran past the statement timeout", request.method, request.path);
      return json_response(503, {{"error", "the database did not answer within the console's statement timeout; "
                                           "narrow the filter"}});
    }
    spdlog::error("web: {} {}: database error: {}", request.method, request.path, first_line(e.what()));
    return json_response(500, {{"error", "database error: " + first_line(e.what())}});
  }
}

WebResponse Console::route(const WebRequest& request, const Caller& caller) {
  const bool api = caller.wants_json;
  const std::string path = api ? request.path.substr(4) : request.path;  // "/api/jobs" → "/jobs"
  PageFrame frame;
  frame.user = caller.user;
  frame.role = caller.user.empty() ? "viewer" : std::string(to_string(caller.role));
  frame.form_token = caller.token;
  frame.notice = request.param("notice").value_or("");
  frame.notice_is_error = request.param("notice_error").has_value();
  const auto page = [&](std::string title, std::string active, const std::string& body) {
    frame.title = std::move(title);
    frame.active = std::move(active);
    return html_response(200, render_page(frame, body));
  };
  const auto stuck = config_.stuck_job_timeout;

  if (path == "/" || path == "/overview" || (api && path == "/queues")) {
    auto snapshot = overview_.latest();
    std::shared_ptr<const Overview> overview = snapshot.overview;
    if (!overview) {
      auto lease = stores_.lease();
      overview = std::make_shared<const Overview>(build_overview(read_overview_inputs(lease.store(), stuck)));
    }
    if (api && path == "/queues") return json_response(200, {{"queues", overview_json(*overview, stuck)["queues"]}});
    if (api) return json_response(200, overview_json(*overview, stuck));
    return page("Overview", "/", render_overview(frame, *overview, caller.can));
  }
  if (path == "/jobs") {
    JobsView view;
    view.text = filter_text_of(request.query);
    view.error_group = filled_field(request.query, "error_group");
    JobFilter filter = parse_job_filter(view.text, {kAllStatuses.begin(), kAllStatuses.end()}, {}, "");
    filter.error_group = view.error_group;
    if (filter.statuses.size() == 1) view.tab = filter.statuses.front();
    auto lease = stores_.lease();
    view.counts = lease.store().search().count_by_status(filter, kCountCap);
    filter.before_id = id_param(request.param("before_id"), "before_id");
    view.page = lease.store().search().find(filter, page_size_of(request, options_.page_size));
    view.self = jobs_url(view.text, view.error_group, filter.before_id);
    if (api) return json_response(200, jobs_json(view));
    return page("Jobs", "/jobs", render_jobs(frame, view, caller.can));
  }
  if (path.rfind("/jobs/", 0) == 0) {
    const auto id = id_param(path.substr(6), "job id");
    auto lease = stores_.lease();
    auto details = lease.store().admin().show(*id);
    if (!details) {
      if (api) return json_response(404, {{"error", "no job " + std::to_string(*id)}});
      return html_response(404, render_page(frame, "<p>No job " + std::to_string(*id) + ".</p>"));
    }
    if (!config_.web.show_payloads) hide_payloads(*details);
    if (api) return json_response(200, job_json(*details));
    return page("Job " + std::to_string(*id), "/jobs", render_job(frame, *details, caller.can));
  }
  if (path == "/failures") {
    auto lease = stores_.lease();
    const auto groups = lease.store().search().failure_groups(options_.failure_sample, 200);
    if (api) return json_response(200, failures_json(groups, options_.failure_sample));
    return page("Failures", "/failures", render_failures(frame, groups, options_.failure_sample, caller.can));
  }
  if (path == "/daemons" || (api && path == "/workers")) {
    auto lease = stores_.lease();
    const auto workers = lease.store().search().workers();
    if (api && path == "/workers") return json_response(200, {{"workers", daemons_json(workers, stuck)["daemons"]}});
    if (api) return json_response(200, daemons_json(workers, stuck));
    return page("Daemons", "/daemons", render_daemons(frame, workers, stuck));
  }
  if (path == "/schedules") {
    std::vector<std::string> names;
    for (const ScheduleConfig& s : config_.schedules) names.push_back(s.name);
    auto lease = stores_.lease();
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto views = schedule_views(config_, lease.store().schedules().schedule_states(names), now);
    if (api) return json_response(200, to_json(views));
    return page("Schedules", "/schedules", render_schedules(frame, views, caller.can));
  }
  if (path == "/batches") {
    auto lease = stores_.lease();
    const auto batches = lease.store().batches().recent(200);
    if (api) return json_response(200, batches_json(batches, config_.web.show_payloads));
    return page("Batches", "/batches", render_batches(frame, batches));
  }
  if (path.rfind("/batches/", 0) == 0) {
    const auto id = id_param(path.substr(9), "batch id");
    auto lease = stores_.lease();
    const auto batch = lease.store().batches().find(*id);
    if (!batch) {
      if (api) return json_response(404, {{"error", "no batch " + std::to_string(*id)}});
      return html_response(404, render_page(frame, "<p>No batch " + std::to_string(*id) + ".</p>"));
    }
    if (api) return json_response(200, batch_json(*batch, config_.web.show_payloads));
    return page("Batch " + std::to_string(*id), "/batches", render_batch(frame, *batch, config_.web.show_payloads));
  }
  if (path == "/audit") {
    auto lease = stores_.lease();
    const auto entries = lease.store().audit().list(id_param(request.param("before_id"), "before_id"), 100);
    if (api) return json_response(200, audit_json(entries));
    return page("Audit", "/audit", render_audit(frame, entries));
  }
  if (api) return json_response(404, {{"error", "no route " + request.path}});
  return html_response(404, render_page(frame, "<p>Nothing here. Try the <a href=\"/\">overview</a>.</p>"));
}

WebResponse Console::act(const WebRequest& request, const Caller& caller) {
  const ActionRequest action = *parse_action(request);
  auto lease = stores_.lease();
  JobStore& store = lease.store();
  const std::string return_to = action.return_to.value_or("/");

  // A whole filter from a form asks first, saying how many jobs it would take.
  if (const auto* jobs = std::get_if<JobsAction>(&action.what); jobs && jobs->all && !action.json && !jobs->confirmed) {
    const JobFilter filter = filter_of(*jobs);
    CappedCount matching;
    for (const auto& [status, count] : store.search().count_by_status(filter, kCountCap)) {
      if (!filter.statuses.empty() &&
          std::find(filter.statuses.begin(), filter.statuses.end(), status) == filter.statuses.end()) {
        continue;
      }
      matching.count += count.count;
      matching.capped = matching.capped || count.capped;
    }
    BulkConfirmation confirmation{jobs->action, jobs->text, jobs->error_group, matching, kDefaultBulkMax, return_to};
    PageFrame frame;
    frame.title = "Confirm";
    frame.active = "/jobs";
    frame.user = caller.user;
    frame.role = std::string(to_string(caller.role));
    frame.form_token = caller.token;
    return html_response(200, render_page(frame, render_confirmation(frame, confirmation)));
  }

  const ActionResult result = perform_action(store, action, config_);
  AuditEntry entry;
  entry.user = caller.user;
  entry.action = action_name(action);
  entry.target = action_target(action);
  entry.job_ids = result.job_ids;
  entry.detail = result.message;
  store.audit().record(entry);
  std::string ids;
  for (std::size_t i = 0; i < result.job_ids.size() && i < 10; ++i) ids += (i ? "," : "") + std::to_string(result.job_ids[i]);
  if (result.job_ids.size() > 10) ids += ",…";
  spdlog::info("web: user={} action={} target={} jobs={} result: {}", caller.user, entry.action, entry.target,
               ids.empty() ? "-" : ids, result.message);
  if (action.json) return json_response(result.status, result.json);
  // The page it goes back to shows the action done, not the poll before it.
  overview_.refresh(kFreshAfterAction);
  return redirect(with_notice(return_to, result.message, !result.ok));
}

}  // namespace spawnq
