#include "console_actions.hpp"

#include <limits>

#include "common/errors.hpp"
#include "common/job_store.hpp"

namespace spawnq {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

JobId parse_id(const std::string& text) {
  const auto id = parse_whole(text, 1, std::numeric_limits<JobId>::max());
  if (!id) throw UsageError("id: '" + text + "' is not a job id");
  return *id;
}

BulkAction parse_bulk(const std::string& field, const std::string& text) {
  const auto action = parse_bulk_action(text);
  if (!action) throw UsageError(field + ": '" + text + "' is not one of retry, cancel, delete");
  return *action;
}

// The fields of a form, or of a JSON object's strings and arrays of ids, as one shape.
FormFields fields_of(const WebRequest& request, bool json) {
  if (!json) return parse_form(request.body);
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("body: not JSON (") + e.what() + ")");
  }
  if (!body.is_object()) throw UsageError("body: must be a JSON object");
  FormFields fields;
  const auto add = [&](const std::string& name, const nlohmann::json& value) {
    if (value.is_string()) fields.emplace(name, value.get<std::string>());
    else if (value.is_number_integer()) fields.emplace(name, std::to_string(value.get<std::int64_t>()));
    else if (!value.is_null()) throw UsageError(name + ": must be a string or an integer");
  };
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "ids") {
      if (!it->is_array()) throw UsageError("ids: must be an array of job ids");
      for (const auto& id : *it) add("id", id);
    } else if (it.key() == "filter") {
      if (!it->is_object()) throw UsageError("filter: must be an object");
      fields.emplace("action_all", "");  // marks the filter form; the action comes from "action"
      for (auto f = it->begin(); f != it->end(); ++f) add(f.key(), *f);
    } else {
      add(it.key(), *it);
    }
  }
  // {"action": "retry", "filter": {…}} is the JSON way of action_all=retry.
  if (fields.count("action_all") && fields.count("action")) {
    fields.erase("action_all");
    fields.emplace("action_all", *first_field(fields, "action"));
    fields.erase("action");
  }
  return fields;
}

JobsAction jobs_action(const FormFields& fields) {
  constexpr auto kMostTicked = static_cast<std::size_t>(kMostPerAction);
  JobsAction action;
  action.text = filter_text_of(fields);
  action.error_group = filled_field(fields, "error_group");
  action.confirmed = first_field(fields, "confirm") == "yes";
  if (const auto all = first_field(fields, "action_all")) {
    action.all = true;
    action.action = parse_bulk("action", *all);
    if (const auto max = first_field(fields, "max")) {
      const auto value = parse_whole(*max, 1, kMostPerAction);
      if (!value) throw UsageError("max: must be 1 to " + std::to_string(kMostPerAction) + ", got '" + *max + "'");
      action.max = static_cast<int>(*value);
    }
    filter_of(action);  // refuses a bad filter now, not after a confirmation
    return action;
  }
  const auto verb = first_field(fields, "action");
  if (!verb) throw UsageError("action: missing (retry, cancel or delete)");
  action.action = parse_bulk("action", *verb);
  for (const std::string& id : all_fields(fields, "id")) action.ids.push_back(parse_id(id));
  if (action.ids.empty()) throw UsageError("id: tick at least one job");
  if (action.ids.size() > kMostTicked) {
    throw UsageError("id: at most " + std::to_string(kMostTicked) + " jobs per action, got " +
                     std::to_string(action.ids.size()));
  }
  return action;
}

bool is_own_path(const std::string& path) {
  // "/jobs?x" but never "//evil.example" or "https://…": an open redirect is a phishing aid.
  return !path.empty() && path[0] == '/' && (path.size() == 1 || (path[1] != '/' && path[1] != '\\'));
}

}  // namespace

std::optional<ActionRequest> parse_action(const WebRequest& request) {
  const std::vector<std::string> parts = split_path(request.path);
  if (parts.empty() || parts[0] != "api") return std::nullopt;
  const bool json = request.header("content-type").value_or("").rfind("application/json", 0) == 0;
  ActionRequest action;
  action.json = json;
  if (parts.size() == 2 && parts[1] == "jobs") {
    const FormFields fields = fields_of(request, json);
    action.what = jobs_action(fields);
    action.return_to = first_field(fields, "return_to");
  } else if (parts.size() == 3 && parts[1] == "jobs" && parts[2] == "bulk") {
    FormFields fields = fields_of(request, json);
    if (!fields.count("action_all")) throw UsageError("filter: missing (an object of the jobs to act on; {} for all)");
    action.what = jobs_action(fields);
    if (!std::get<JobsAction>(action.what).max) std::get<JobsAction>(action.what).max = kMostPerAction;
  } else if (parts.size() == 4 && parts[1] == "jobs" && parse_bulk_action(parts[3])) {
    JobsAction one;
    one.action = *parse_bulk_action(parts[3]);
    one.ids = {parse_id(parts[2])};
    action.what = one;
    action.return_to = first_field(fields_of(request, json), "return_to");
  } else if (parts.size() == 4 && parts[1] == "queues" && (parts[3] == "pause" || parts[3] == "resume")) {
    action.what = QueueAction{url_decode(parts[2]), parts[3] == "pause"};
    action.return_to = first_field(fields_of(request, json), "return_to");
  } else if (parts.size() == 4 && parts[1] == "schedules" && parts[3] == "run") {
    action.what = ScheduleAction{url_decode(parts[2])};
    action.return_to = first_field(fields_of(request, json), "return_to");
  } else {
    return std::nullopt;
  }
  if (action.return_to && !is_own_path(*action.return_to)) action.return_to.reset();
  return action;
}

WebPermission permission_of(const ActionRequest& request) {
  if (const auto* jobs = std::get_if<JobsAction>(&request.what); jobs && jobs->action == BulkAction::remove) {
    return WebPermission::administer;
  }
  return WebPermission::operate;
}

std::string action_name(const ActionRequest& request) {
  if (const auto* jobs = std::get_if<JobsAction>(&request.what)) return std::string(to_string(jobs->action));
  if (const auto* queue = std::get_if<QueueAction>(&request.what)) return queue->pause ? "pause" : "resume";
  return "run_schedule";
}

std::string action_target(const ActionRequest& request) {
  if (const auto* queue = std::get_if<QueueAction>(&request.what)) return queue->queue;
  if (const auto* schedule = std::get_if<ScheduleAction>(&request.what)) return schedule->schedule;
  return "jobs";
}

JobFilterText filter_text_of(const FormFields& fields) {
  auto error = filled_field(fields, "error");
  if (!error) error = filled_field(fields, "q");  // the API's name for it
  return JobFilterText{filled_field(fields, "queue"), filled_field(fields, "status"), filled_field(fields, "type"),
                       error, filled_field(fields, "since"), filled_field(fields, "batch")};
}

JobFilter filter_of(const JobsAction& action) {
  JobFilter filter = parse_job_filter(action.text, {kAllStatuses.begin(), kAllStatuses.end()}, {}, "");
  filter.error_group = action.error_group;
  return filter;
}

namespace {

ActionResult jobs_result(BulkAction action, const std::vector<JobActionResult>& jobs) {
  ActionResult result;
  result.message = describe(action, tally(jobs));
  nlohmann::json list = nlohmann::json::array();
  for (const JobActionResult& job : jobs) {
    result.job_ids.push_back(job.id);
    list.push_back({{"id", job.id},
                    {"changed", job.changed},
                    {"stopping", job.stopping},
                    {"status_before", job.status ? nlohmann::json(to_string(*job.status)) : nlohmann::json(nullptr)}});
  }
  result.json = {{"message", result.message}, {"jobs", list}};
  return result;
}

}  // namespace

ActionResult perform_action(JobStore& store, const ActionRequest& request, const Config& config) {
  if (const auto* jobs = std::get_if<JobsAction>(&request.what)) {
    if (!jobs->all) return jobs_result(jobs->action, act_on_jobs(store, jobs->action, jobs->ids));
    if (jobs->max) {
      // The API's bulk call, as the CLI's: more than max matching is refused.
      const BulkResult bulk = run_bulk(store, BulkRequest{jobs->action, filter_of(*jobs), *jobs->max, std::nullopt});
      if (bulk.refused) {
        ActionResult refused;
        refused.ok = false;
        refused.status = 409;
        refused.message = "more than " + std::to_string(*jobs->max) + " jobs match, so none was changed; narrow the filter";
        refused.json = {{"error", refused.message}};
        return refused;
      }
      return jobs_result(jobs->action, bulk.jobs);
    }
    // A click: at most kMostPerAction, the oldest first; never refused.
    BulkRequest bulk{jobs->action, filter_of(*jobs), kMostPerAction, kMostPerAction};
    return jobs_result(jobs->action, run_bulk(store, bulk).jobs);
  }
  if (const auto* queue = std::get_if<QueueAction>(&request.what)) {
    const bool changed = store.admin().set_queue_paused(queue->queue, queue->pause);
    ActionResult result;
    result.message = changed ? std::string(queue->pause ? "paused" : "resumed") + " queue " + queue->queue
                             : "queue " + queue->queue + " was " + (queue->pause ? "paused" : "running") + " already";
    result.json = {{"message", result.message}, {"changed", changed}, {"queue", queue->queue}};
    return result;
  }
  const auto& schedule = std::get<ScheduleAction>(request.what);
  for (const ScheduleConfig& s : config.schedules) {
    if (s.name != schedule.schedule) continue;
    const JobId id = store.jobs().enqueue(scheduled_job(s));
    ActionResult result;
    result.message = "enqueued job " + std::to_string(id) + " of schedule " + s.name;
    result.job_ids = {id};
    result.json = {{"message", result.message}, {"job_id", id}};
    return result;
  }
  ActionResult result;
  result.ok = false;
  result.status = 404;
  result.message = "no schedule named " + schedule.schedule + " in the config";
  result.json = {{"error", result.message}};
  return result;
}

}  // namespace spawnq
