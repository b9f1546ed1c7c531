#include "worker_announcement.hpp"

#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "config/duration.hpp"

namespace spawnq {

namespace {

double as_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

std::string shown(const std::optional<int>& v) { return v ? std::to_string(*v) : "unset"; }

std::string shown(const std::optional<double>& v) {
  return v ? format_duration(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*v))) : "unset";
}

std::string shown(const std::optional<std::vector<double>>& v) {
  if (!v) return "unset";
  std::string out = "[";
  for (std::size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + shown(std::optional<double>((*v)[i]));
  return out + "]";
}

// One setting of TypeDefault, by name, shown as text.
struct Setting {
  const char* name;
  std::function<std::string(const TypeDefault&)> text;
};

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"priority", [](const TypeDefault& d) { return shown(d.priority); }},
      {"max_attempts", [](const TypeDefault& d) { return shown(d.max_attempts); }},
      {"backoff", [](const TypeDefault& d) { return shown(d.backoff_s); }},
      {"timeout", [](const TypeDefault& d) { return shown(d.timeout_s); }},
  };
  return all;
}

}  // namespace

WorkerAnnouncement announcement_of(const Config& config, const std::vector<std::string>& queues) {
  WorkerAnnouncement said;
  for (const std::string& queue : queues) {
    const QueueConfig settings = config.settings_for(queue);
    said.max_workers[queue] = settings.max_workers;
    if (settings.fair_by_group || settings.group_max_workers) {
      said.shares[queue] = {settings.fair_by_group, settings.group_max_workers};
    }
  }
  said.defaults = type_defaults_of(config);
  return said;
}

std::vector<TypeDefault> type_defaults_of(const Config& config) {
  std::vector<TypeDefault> defaults;
  for (const auto& [job_type, handler] : config.handlers) {
    TypeDefault d;
    d.job_type = job_type;
    d.priority = handler.priority;
    d.max_attempts = handler.max_attempts;
    if (handler.backoff) {
      d.backoff_s.emplace();
      for (Duration step : *handler.backoff) d.backoff_s->push_back(as_seconds(step));
    }
    if (handler.timeout) d.timeout_s = as_seconds(*handler.timeout);
    defaults.push_back(std::move(d));
  }
  return defaults;
}

std::vector<std::string> defaults_disagreements(const std::vector<TypeDefault>& mine,
                                                const std::vector<PublishedDefault>& published) {
  // Each side of a comparison: who, and what it says.
  struct Side {
    std::string who;
    const TypeDefault* values;
  };
  std::map<std::string, std::vector<Side>> by_type;
  for (const TypeDefault& d : mine) by_type[d.job_type].push_back({"this config", &d});
  for (const PublishedDefault& p : published) {
    by_type[p.values.job_type].push_back({"worker " + std::to_string(p.worker) + " on " + p.host, &p.values});
  }
  std::vector<std::string> lines;
  for (const auto& [job_type, sides] : by_type) {
    for (const Setting& setting : settings()) {
      bool differ = false;
      for (const Side& side : sides) differ = differ || setting.text(*side.values) != setting.text(*sides[0].values);
      if (!differ) continue;
      std::ostringstream line;
      line << "handler " << job_type << ": " << setting.name << ":";
      for (std::size_t i = 0; i < sides.size(); ++i) {
        line << (i ? "," : "") << " " << sides[i].who << " " << setting.text(*sides[i].values);
      }
      lines.push_back(line.str());
    }
  }
  return lines;
}

}  // namespace spawnq
