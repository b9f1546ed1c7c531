// The public C++ API of spawnq's job-runner: register handlers for job types,
// then hand control to run_main(). A custom runner is a few lines:
//
//   int main(int argc, char** argv) {
//     spawnq::Registry registry;
//     spawnq::add_builtin_handlers(registry);
//     registry.add("resize_image", [](const spawnq::Job& job, spawnq::Context& ctx) {
//       ctx.progress(0.5, "halfway");
//       if (job.payload.value("url", "").empty()) throw spawnq::PermanentError("no url");
//     });
//     return spawnq::run_main(argc, argv, registry);
//   }
//
// A handler returns normally on success. RetryableError asks for another
// attempt (after `retry_after`, else the configured backoff); PermanentError
// fails the job for good; any other exception counts as retryable. One job
// runs per process, on the main thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace spawnq {

// The job being run, as the daemon handed it over.
struct Job {
  std::int64_t id = 0;
  std::string queue;
  std::string job_type;
  nlohmann::json payload;  // always a JSON object
  int attempt = 1;
  int max_attempts = 1;
  double timeout_s = 0;
};

// What a handler may tell the daemon while it runs.
class Context {
 public:
  explicit Context(int result_fd) : result_fd_(result_fd) {}
  // `fraction` in 0..1; the daemon stores it in spawnq.jobs.progress.
  void progress(double fraction, std::string_view message = {});

 private:
  int result_fd_;
};

class RetryableError : public std::runtime_error {
 public:
  explicit RetryableError(const std::string& message,
                          std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : std::runtime_error(message), retry_after_(retry_after) {}
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }

 private:
  std::optional<std::chrono::seconds> retry_after_;
};

class PermanentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Handler = std::function<void(const Job&, Context&)>;

class Registry {
 public:
  void add(std::string job_type, Handler handler) { handlers_[std::move(job_type)] = std::move(handler); }
  const Handler* find(const std::string& job_type) const {
    const auto it = handlers_.find(job_type);
    return it == handlers_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, Handler> handlers_;
};

// noop; sleep {"seconds": S}; echo (prints the payload); fail {"retryable": bool, "message": "…"}.
void add_builtin_handlers(Registry& registry);

// The whole job-runner program: `--job-id=N --supervised` (run by the daemon)
// or `--job-id=N [--config=PATH] [--commit]` (run by a person). Returns the
// process exit code.
int run_main(int argc, char** argv, const Registry& registry);

}  // namespace spawnq
