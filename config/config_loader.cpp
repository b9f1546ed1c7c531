#include "config_loader.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <grp.h>
#include <pwd.h>

#include "command_resolver.hpp"
#include "common/job.hpp"
#include "yaml_field.hpp"

namespace spawnq {
namespace {

constexpr Duration kZero{0};
constexpr Duration kOneMs{1};

std::string path_env() {
  const char* path = std::getenv("PATH");
  return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

std::string resolve_program(const YamlField& field, const std::filesystem::path& base_dir) {
  std::string why;
  auto resolved = resolve_executable(field.as_string(), base_dir, path_env(), why);
  if (!resolved) field.fail(why);
  return *resolved;
}

void check_queue_name(const YamlField& where, const std::string& name) {
  if (!valid_queue_name(name)) {
    where.fail("queue name '" + name + "' must be 1-56 characters of A-Z a-z 0-9 _ . -");
  }
}

JobLimits read_limits(const YamlField& field, JobLimits limits) {
  const Fields f = field.fields({"memory", "cpu_time", "open_files", "processes", "core"});
  // Below these a runner could not even start.
  with(f, "memory", [&](const YamlField& v) { limits.memory_bytes = v.as_size(std::uint64_t{16} << 20); });
  with(f, "cpu_time", [&](const YamlField& v) {
    limits.cpu_time_s = std::chrono::ceil<std::chrono::seconds>(v.as_duration(std::chrono::seconds(1))).count();
  });
  with(f, "open_files", [&](const YamlField& v) { limits.open_files = static_cast<std::uint64_t>(v.as_int(16)); });
  with(f, "processes", [&](const YamlField& v) { limits.processes = static_cast<std::uint64_t>(v.as_int(1)); });
  with(f, "core", [&](const YamlField& v) { limits.core_bytes = v.as_size(0); });
  return limits;
}

// user: and group: of a handler, as ids; the supplementary groups are the user's.
std::optional<RunAs> read_run_as(const Fields& f) {
  const auto user = f.find("user");
  const auto group = f.find("group");
  if (user == f.end()) {
    if (group != f.end()) group->second.fail("needs a user: as well");
    return std::nullopt;
  }
  RunAs run_as;
  run_as.user = user->second.as_string();
  const passwd* pw = ::getpwnam(run_as.user.c_str());
  if (!pw) user->second.fail("no such user '" + run_as.user + "'");
  run_as.uid = pw->pw_uid;
  run_as.gid = pw->pw_gid;
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(run_as.user.c_str(), pw->pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    ::getgrouplist(run_as.user.c_str(), pw->pw_gid, groups.data(), &count);
  }
  groups.resize(static_cast<std::size_t>(std::max(count, 0)));
  run_as.groups.assign(groups.begin(), groups.end());
  if (group != f.end()) {
    const std::string name = group->second.as_string();
    const struct group* gr = ::getgrnam(name.c_str());
    if (!gr) group->second.fail("no such group '" + name + "'");
    run_as.gid = gr->gr_gid;
  }
  return run_as;
}

// A job priority: 1 (lowest) to 10.
int read_priority(const YamlField& v) {
  const int priority = v.as_int(1);
  if (priority > 10) v.fail("must be 1..10, got " + std::to_string(priority));
  return priority;
}

std::vector<QueueConfig> read_queues(const YamlField& field, const Config& config) {
  std::vector<QueueConfig> queues;
  if (field.is_sequence()) {
    for (const YamlField& item : field.items()) {
      const std::string name = item.as_string();
      check_queue_name(item, name);
      for (const QueueConfig& seen : queues) {
        if (seen.name == name) item.fail("queue '" + name + "' is listed twice");
      }
      queues.push_back(config.settings_for(name));
    }
  } else {
    for (const auto& [name, body] : field.entries()) {
      check_queue_name(body, name);
      QueueConfig queue = config.settings_for(name);
      if (!body.is_null()) {
        const Fields f =
            body.fields({"max_workers", "timeout", "max_attempts", "backoff", "limits", "global_max_workers",
                         "fair_by", "group_max_workers"});
        with(f, "global_max_workers", [&](const YamlField& v) { queue.global_max_workers = v.as_int(1); });
        with(f, "group_max_workers", [&](const YamlField& v) { queue.group_max_workers = v.as_int(1); });
        with(f, "fair_by", [&](const YamlField& v) {
          if (v.as_string() != "group") v.fail("must be group, got '" + v.as_string() + "'");
          queue.fair_by_group = true;
        });
        with(f, "limits", [&](const YamlField& v) { queue.limits = read_limits(v, queue.limits); });
        with(f, "max_workers", [&](const YamlField& v) { queue.max_workers = v.as_int(1); });
        with(f, "timeout", [&](const YamlField& v) { queue.timeout = v.as_duration(kOneMs); });
        with(f, "max_attempts", [&](const YamlField& v) { queue.max_attempts = v.as_int(1); });
        with(f, "backoff", [&](const YamlField& v) { queue.backoff = v.as_duration_list(); });
        queue.own = {f.count("timeout") > 0, f.count("max_attempts") > 0, f.count("backoff") > 0};
      }
      queues.push_back(std::move(queue));
    }
  }
  if (queues.empty()) field.fail("must name at least one queue");
  return queues;
}

HandlerConfig read_handler(const std::string& job_type, const YamlField& body,
                           const std::filesystem::path& base_dir) {
  HandlerConfig handler;
  handler.job_type = job_type;
  const Fields f = body.fields(
      {"command", "env", "working_dir", "timeout", "max_attempts", "backoff", "limits", "user", "group",
       "max_concurrency", "rate", "priority"});
  with(f, "priority", [&](const YamlField& v) { handler.priority = read_priority(v); });
  with(f, "max_concurrency", [&](const YamlField& v) { handler.max_concurrency = v.as_int(1); });
  with(f, "rate", [&](const YamlField& v) {
    const Fields rate = v.fields({"limit", "per"});
    if (!rate.count("limit") || !rate.count("per")) v.fail("needs limit and per, e.g. { limit: 10, per: 1m }");
    handler.rate_limit = rate.at("limit").as_int(1);
    handler.rate_per = rate.at("per").as_duration(std::chrono::seconds(1));
  });
  // Without a command the runner's own handler serves the type, with these settings.
  if (const auto command = f.find("command"); command != f.end()) {
    const std::vector<YamlField> argv = command->second.items();
    if (argv.empty()) command->second.fail("must list the program and its arguments");
    handler.argv.push_back(resolve_program(argv.front(), base_dir));
    for (std::size_t i = 1; i < argv.size(); ++i) handler.argv.push_back(argv[i].as_string());
  } else if (f.count("env") || f.count("working_dir")) {
    (f.count("env") ? f.at("env") : f.at("working_dir")).fail("applies to a command: add command: [program, …]");
  }
  with(f, "limits", [&](const YamlField& v) { handler.limits = read_limits(v, {}); });
  handler.run_as = read_run_as(f);
  with(f, "env", [&](const YamlField& v) { handler.env = v.as_string_map(); });
  with(f, "working_dir", [&](const YamlField& v) {
    std::filesystem::path dir(v.as_string());
    if (dir.is_relative()) dir = base_dir / dir;
    if (!std::filesystem::is_directory(dir)) v.fail("no such directory: " + dir.string());
    dir = dir.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "a/b/" → "a/b"
    handler.working_dir = dir.string();
  });
  with(f, "timeout", [&](const YamlField& v) { handler.timeout = v.as_duration(kOneMs); });
  with(f, "max_attempts", [&](const YamlField& v) { handler.max_attempts = v.as_int(1); });
  with(f, "backoff", [&](const YamlField& v) { handler.backoff = v.as_duration_list(); });
  return handler;
}

ScheduleConfig read_schedule(const std::string& name, const YamlField& body, const Config& config) {
  static const std::regex name_rule(R"([A-Za-z0-9_.:-]{1,100})");
  if (!std::regex_match(name, name_rule)) {
    body.fail("schedule name '" + name + "' must be 1-100 characters of A-Z a-z 0-9 _ . : -");
  }
  ScheduleConfig schedule;
  schedule.name = name;
  const Fields f = body.fields({"cron", "job_type", "queue", "payload", "priority", "max_attempts", "timezone",
                                "catch_up", "overlap"});
  const auto cron = f.find("cron");
  if (cron == f.end()) body.fail("needs a cron expression, e.g. cron: \"0 2 * * *\"");
  try {
    schedule.cron = parse_cron(cron->second.as_string());
  } catch (const CronError& e) {
    cron->second.fail(std::string("invalid cron expression: ") + e.what());
  }
  const auto job_type = f.find("job_type");
  if (job_type == f.end() || job_type->second.as_string().empty()) body.fail("needs a job_type");
  schedule.job_type = job_type->second.as_string();
  with(f, "queue", [&](const YamlField& v) {
    schedule.queue = v.as_string();
    check_queue_name(v, schedule.queue);
  });
  if (!config.find_queue(schedule.queue)) {
    (f.count("queue") ? f.at("queue") : body)
        .fail("queue '" + schedule.queue + "' is not configured here, so no daemon of this config would fire it");
  }
  with(f, "payload", [&](const YamlField& v) {
    if (!v.is_map()) v.fail("must be a map (a JSON object)");
    schedule.payload_json = v.as_json().dump();
  });
  with(f, "priority", [&](const YamlField& v) { schedule.priority = read_priority(v); });
  with(f, "max_attempts", [&](const YamlField& v) { schedule.max_attempts = v.as_int(1); });
  with(f, "timezone", [&](const YamlField& v) {
    const std::string zone = v.as_string();
    if (zone == "utc" || zone == "UTC") schedule.zone = CronZone::utc;
    else if (zone == "local") schedule.zone = CronZone::local;
    else v.fail("must be utc or local, got '" + zone + "'");
  });
  with(f, "catch_up", [&](const YamlField& v) {
    const std::string mode = v.as_string();
    if (mode == "one") schedule.catch_up = true;
    else if (mode == "none") schedule.catch_up = false;
    else v.fail("must be one or none, got '" + mode + "'");
  });
  with(f, "overlap", [&](const YamlField& v) { schedule.overlap = v.as_bool(); });
  return schedule;
}

void read_globals(const Fields& f, Config& config, const std::filesystem::path& base_dir) {
  with(f, "database", [&](const YamlField& v) {
    const Fields db = v.fields({"url", "pooler", "session_url"});
    with(db, "url", [&](const YamlField& url) { config.database_url = url.as_string(); });
    with(db, "pooler", [&](const YamlField& pooler) {
      const std::string text = pooler.as_string();
      const auto parsed = parse_pooler(text);
      if (!parsed) pooler.fail("must be none or transaction, got '" + text + "'");
      config.database_pooler = *parsed;
    });
    with(db, "session_url", [&](const YamlField& url) { config.session_url = url.as_string(); });
  });
  with(f, "runner", [&](const YamlField& v) { config.runner = resolve_program(v, base_dir); });
  with(f, "poll_interval", [&](const YamlField& v) { config.poll_interval = v.as_duration(kOneMs); });
  with(f, "shutdown_timeout",
       [&](const YamlField& v) { config.shutdown_timeout = v.as_duration(kZero); });
  with(f, "sigterm_grace", [&](const YamlField& v) { config.sigterm_grace = v.as_duration(kZero); });
  with(f, "stuck_job_timeout",
       [&](const YamlField& v) { config.stuck_job_timeout = v.as_duration(kOneMs); });
  with(f, "stuck_check_interval",
       [&](const YamlField& v) { config.stuck_check_interval = v.as_duration(kOneMs); });
  with(f, "heartbeat_interval",
       [&](const YamlField& v) { config.heartbeat_interval = v.as_duration(kOneMs); });
  with(f, "default_timeout", [&](const YamlField& v) { config.default_timeout = v.as_duration(kOneMs); });
  with(f, "default_max_workers", [&](const YamlField& v) { config.default_max_workers = v.as_int(1); });
  with(f, "default_max_attempts",
       [&](const YamlField& v) { config.default_max_attempts = v.as_int(1); });
  with(f, "job_nice", [&](const YamlField& v) {
    config.job_nice = v.as_int(0);
    if (config.job_nice > 19) v.fail("must be 0 to 19 (a nice increment), got " + std::to_string(config.job_nice));
  });
  with(f, "backoff", [&](const YamlField& v) { config.backoff = v.as_duration_list(); });
  with(f, "log_level", [&](const YamlField& v) {
    const std::string level = v.as_string();
    static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.count(level)) v.fail("must be trace, debug, info, warn, error, critical or off, got '" + level + "'");
    config.log.level = level;
  });
  with(f, "log_format", [&](const YamlField& v) {
    const std::string format = v.as_string();
    if (format == "text") config.log.format = LogFormat::text;
    else if (format == "json") config.log.format = LogFormat::json;
    else v.fail("must be text or json, got '" + format + "'");
  });
  with(f, "log_file", [&](const YamlField& v) {
    std::filesystem::path file(v.as_string());
    if (file.is_relative()) file = base_dir / file;
    if (!std::filesystem::is_directory(file.parent_path())) v.fail("no such directory: " + file.parent_path().string());
    config.log.file = file.lexically_normal().string();
  });
  with(f, "http", [&](const YamlField& v) {
    static const std::regex host_port(R"((\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):\d{1,5})");
    config.http_listen = "127.0.0.1:9464";  // loopback unless told otherwise
    if (v.is_null()) return;
    const Fields http = v.fields({"listen"});
    with(http, "listen", [&](const YamlField& listen) {
      const std::string value = listen.as_string();
      if (!std::regex_match(value, host_port)) {
        listen.fail("must be IP:PORT such as 127.0.0.1:9464 or [::1]:9464, got '" + value + "'");
      }
      config.http_listen = value;
    });
  });
  with(f, "web", [&](const YamlField& v) { config.web = read_web_settings(v, base_dir.string()); });
  with(f, "retention", [&](const YamlField& v) {
    for (const auto& [status, age] : v.fields({"done", "failed", "dead", "cancelled"})) {
      config.retention[*parse_job_status(status)] = age.as_duration(std::chrono::seconds(1));
    }
  });
  with(f, "cgroups", [&](const YamlField& v) {
    const Fields cgroups = v.fields({"mode", "root"});
    with(cgroups, "mode", [&](const YamlField& m) {
      const std::string mode = m.as_string();
      if (mode == "auto") config.cgroups.mode = CgroupMode::automatic;
      else if (mode == "off") config.cgroups.mode = CgroupMode::off;
      else if (mode == "required") config.cgroups.mode = CgroupMode::required;
      else m.fail("must be auto, off or required, got '" + mode + "'");
    });
    with(cgroups, "root", [&](const YamlField& r) {
      const std::string root = r.as_string();
      if (root.empty() || root.front() != '/') r.fail("must be an absolute path, got '" + root + "'");
      config.cgroups.root = root;
    });
  });
  with(f, "show", [&](const YamlField& v) {
    const std::string mode = v.as_string();
    if (mode == "lines") config.show = ShowMode::lines;
    else if (mode == "tui") config.show = ShowMode::tui;
    else v.fail("must be lines or tui, got '" + mode + "'");
  });
}

// Rules that tie two settings together; each names the key a reader would fix.
void check_consistency(const Fields& f, const Config& config) {
  if (config.stuck_job_timeout < 2 * config.heartbeat_interval) {
    const auto it = f.count("stuck_job_timeout") ? f.find("stuck_job_timeout") : f.find("heartbeat_interval");
    if (it != f.end()) {
      it->second.fail("stuck_job_timeout (" + format_duration(config.stuck_job_timeout) +
                      ") must be at least twice heartbeat_interval (" +
                      format_duration(config.heartbeat_interval) +
                      "), or healthy daemons would look dead");
    }
  }
}

}  // namespace

Config default_config() {
  Config config;
  config.queues.push_back(config.settings_for("default"));
  return config;
}

Config parse_config(const std::string& text, const std::string& source,
                    const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  Config config;
  config.source = source;
  const YamlField top(root, source, "", 1);
  Fields f;
  if (!top.is_null()) {
    f = top.fields({"database", "runner", "poll_interval", "shutdown_timeout", "sigterm_grace",
                    "stuck_job_timeout", "stuck_check_interval", "heartbeat_interval", "default_timeout",
                    "default_max_workers", "default_max_attempts", "job_nice", "backoff", "show", "log_level",
                    "log_format", "log_file", "http", "web", "queues", "handlers", "schedules", "retention",
                    "cgroups"});
  }
  // Globals first: queues fall back to them whatever order the file uses.
  read_globals(f, config, base_dir);
  check_consistency(f, config);
  with(f, "queues", [&](const YamlField& v) { config.queues = read_queues(v, config); });
  if (config.queues.empty()) config.queues.push_back(config.settings_for("default"));
  with(f, "handlers", [&](const YamlField& v) {
    for (const auto& [job_type, body] : v.entries()) {
      config.handlers.emplace(job_type, read_handler(job_type, body, base_dir));
    }
  });
  // After the queues: a schedule must name one of them.
  with(f, "schedules", [&](const YamlField& v) {
    for (const auto& [name, body] : v.entries()) config.schedules.push_back(read_schedule(name, body, config));
  });
  return config;
}

Config load_config(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw ConfigError(path + ": is a folder, not a config file");
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  const std::filesystem::path absolute = std::filesystem::absolute(path);
  return parse_config(text.str(), path, absolute.parent_path());
}

}  // namespace spawnq
