// DbExecutor is the one thread that talks to PostgreSQL for the event loop, so
// that the loop never blocks on the database. The loop posts work; the work
// runs here against a JobStore; its result (or error) is posted back to the
// loop. While the database is unreachable it logs the outage once, reconnects
// with backoff, and keeps the work that must not be lost (outcomes) queued
// until it can be written; other work fails fast so callers can move on.
//
// post() may be called from the loop thread only; callbacks run on the loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "common/job_store.hpp"
#include "reconnect_backoff.hpp"

namespace spawnq {

enum class OnOutage {
  fail,      // report the error to the caller (claims, heartbeats, progress)
  keep,      // hold the work and run it once the database is back (outcomes)
};

class DbExecutor {
 public:
  // `role` names the connection in the log ("database", "database (outcome writes)").
  DbExecutor(boost::asio::io_context& loop, std::string database_url, Pooler pooler = Pooler::none,
             std::string role = "database");
  ~DbExecutor();

  void start();
  // Stops after the running task; queued work is dropped (and counted in the log).
  void stop();

  // Runs `work` on the database thread, then `done(result)` on the loop, or
  // `failed(error)` on the loop when it threw (never for OnOutage::keep work
  // that failed only because the connection was lost).
  template <typename Result>
  void post(std::function<Result(JobStore&)> work, std::function<void(Result)> done,
            std::function<void(std::exception_ptr)> failed, OnOutage on_outage);

  // Kept work (OnOutage::keep) that is fenced, so running it twice is safe:
  // `done` also learns whether an earlier run died during its COMMIT, whose
  // result is unknown — then a fence that "did not hold" may be our own
  // first write, and the caller must say so rather than claim it was lost.
  template <typename Result>
  void post_fenced(std::function<Result(JobStore&)> work, std::function<void(Result, bool in_doubt)> done,
                   std::function<void(std::exception_ptr)> failed);

  // Work whose result nobody waits for (progress, a wake-up of other
  // daemons): fails fast in an outage; a failure is counted and logged at debug.
  void fire_and_forget(std::function<void(JobStore&)> work);

  // Called on the loop each time the database is reachable again after an outage.
  void on_reconnect(std::function<void()> callback) { on_reconnect_ = std::move(callback); }

  std::size_t queued() const;  // tasks not yet finished, the running one included
  std::uint64_t errors() const { return errors_; }  // tasks that failed, connection losses included
  bool connected() const { return connected_; }
  // When a task last succeeded (or the executor started): how long the
  // database has been out of reach, as this daemon sees it.
  std::chrono::steady_clock::time_point last_contact() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_contact_.load()));
  }

 private:
  struct Task {
    std::function<void(JobStore&, bool in_doubt)> run;  // posts its own result to the loop
    std::function<void(std::exception_ptr)> failed;
    OnOutage on_outage;
    bool in_doubt = false;  // an earlier run lost the connection during COMMIT
  };

  template <typename Result>
  void post_task(std::function<Result(JobStore&)> work, std::function<void(Result, bool)> done,
                 std::function<void(std::exception_ptr)> failed, OnOutage on_outage);
  void enqueue(Task task);
  void thread_main();
  bool ensure_connected();
  bool run_task(Task& task);  // false: keep it and run it again once connected
  void wait_before_retry();
  void lost_connection(const char* what, const std::exception& error);
  void report_failure(const Task& task, std::exception_ptr error);

  boost::asio::io_context& loop_;
  const std::string url_;
  const Pooler pooler_;
  const std::string role_;
  std::function<void()> on_reconnect_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  bool running_task_ = false;
  bool stopping_ = false;
  std::thread thread_;

  // Touched by the database thread only.
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<JobStore> store_;
  ReconnectBackoff backoff_;
  std::chrono::milliseconds next_wait_{0};
  bool outage_logged_ = false;
  std::chrono::steady_clock::time_point outage_started_;

  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::chrono::steady_clock::rep> last_contact_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
};

// The failure callback of work that a timer repeats (a count, a heartbeat,
// a sweep): logs what failed and that the next round tries again — unless
// the connection was lost, an outage the executor has logged already.
std::function<void(std::exception_ptr)> retry_next_round(std::string what);

// The first line of what a failed task threw, for the log.
std::string describe_error(std::exception_ptr error);
// Whether a task failed because the database was out of reach (an outage the
// executor has logged already), rather than because of what it asked.
bool is_connection_loss(std::exception_ptr error);
// The SQLSTATE of a failed statement ("" for any other failure).
std::string sqlstate_of(std::exception_ptr error);

template <typename Result>
void DbExecutor::post_task(std::function<Result(JobStore&)> work, std::function<void(Result, bool)> done,
                           std::function<void(std::exception_ptr)> failed, OnOutage on_outage) {
  auto& loop = loop_;
  enqueue(Task{[&loop, work = std::move(work), done = std::move(done)](JobStore& store, bool in_doubt) {
                 Result result = work(store);
                 boost::asio::post(loop, [done, in_doubt, result = std::move(result)]() mutable {
                   done(std::move(result), in_doubt);
                 });
               },
               std::move(failed), on_outage});
}

template <typename Result>
void DbExecutor::post(std::function<Result(JobStore&)> work, std::function<void(Result)> done,
                      std::function<void(std::exception_ptr)> failed, OnOutage on_outage) {
  post_task<Result>(std::move(work), [done = std::move(done)](Result result, bool) { done(std::move(result)); },
                    std::move(failed), on_outage);
}

template <typename Result>
void DbExecutor::post_fenced(std::function<Result(JobStore&)> work, std::function<void(Result, bool)> done,
                             std::function<void(std::exception_ptr)> failed) {
  post_task<Result>(std::move(work), std::move(done), std::move(failed), OnOutage::keep);
}

}  // namespace spawnq
