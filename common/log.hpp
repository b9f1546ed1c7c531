// spdlog set-up shared by both programs: one line per event, UTC timestamps,
// as text or as JSON lines (for log shippers), on stderr or in a file that
// SIGHUP reopens (for logrotate). The sinks are thread-safe; reopen_log_file()
// may be called from any thread.
#pragma once

#include <optional>
#include <string>

namespace spawnq {

enum class LogFormat { text, json };

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  LogFormat format = LogFormat::text;
  std::optional<std::string> file;  // none: stderr
  bool quiet = false;               // log nowhere but the file (the dashboard owns the terminal)
};

void init_logging(const std::string& program, const LogOptions& options = {});
void reopen_log_file();

// One JSON object for one log event; fields "queue", "job" and "attempt" are
// lifted out of a message that starts with them (queue=… job=… attempt=…).
std::string format_json_log_line(const std::string& timestamp, const std::string& level,
                                 const std::string& logger, const std::string& message);

}  // namespace spawnq
