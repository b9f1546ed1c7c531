#include "log.hpp"

#include <cstdio>
#include <mutex>
#include <regex>

#include <nlohmann/json.hpp>
#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "errors.hpp"

namespace spawnq {
namespace {

// A file sink that reopens its path on request, so that logrotate can move
// the file away and SIGHUP makes the daemon write a new one.
class ReopenableFileSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(std::string path) : path_(std::move(path)) { open(); }
  ~ReopenableFileSink() override {
    if (file_) std::fclose(file_);
  }
  void reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (file_) std::fclose(file_);
    open();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    if (file_) std::fwrite(formatted.data(), 1, formatted.size(), file_);
  }
  void flush_() override {
    if (file_) std::fflush(file_);
  }

 private:
  void open() {
    file_ = std::fopen(path_.c_str(), "ae");  // append, close-on-exec
    if (!file_) throw UsageError("log_file: cannot open " + path_ + " for appending");
  }
  std::string path_;
  std::FILE* file_ = nullptr;
};

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto seconds = std::chrono::system_clock::to_time_t(msg.time);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char stamp[96];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(millis));
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = format_json_log_line(stamp, std::string(level.data(), level.size()),
                                                  std::string(msg.logger_name.data(), msg.logger_name.size()),
                                                  std::string(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

std::shared_ptr<ReopenableFileSink>& file_sink() {
  static std::shared_ptr<ReopenableFileSink> sink;
  return sink;
}

}  // namespace

std::string format_json_log_line(const std::string& timestamp, const std::string& level,
                                 const std::string& logger, const std::string& message) {
  nlohmann::ordered_json line = {{"ts", timestamp}, {"level", level}, {"logger", logger}};
  static const std::regex fields(R"(^queue=(\S+) job=(\d+)(?: attempt=(\d+))?)");
  std::smatch m;
  if (std::regex_search(message, m, fields)) {
    line["queue"] = m[1].str();
    line["job"] = std::stoll(m[2].str());
    if (m[3].matched) line["attempt"] = std::stoi(m[3].str());
  }
  line["msg"] = message;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void init_logging(const std::string& program, const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks;
  if (options.file) {
    file_sink() = std::make_shared<ReopenableFileSink>(*options.file);
    sinks.push_back(file_sink());
  } else if (options.quiet) {
    sinks.push_back(std::make_shared<spdlog::sinks::null_sink_mt>());
  } else {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  auto logger = std::make_shared<spdlog::logger>(program, sinks.begin(), sinks.end());
  if (options.format == LogFormat::json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v", spdlog::pattern_time_type::utc));
  }
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::trace);  // one line per event, written as it happens
  spdlog::set_default_logger(logger);
}

void reopen_log_file() {
  if (file_sink()) file_sink()->reopen();
}

}  // namespace spawnq
