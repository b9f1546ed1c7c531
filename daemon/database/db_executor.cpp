#include "db_executor.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/except>

#include "common/connection.hpp"
#include "common/database_url.hpp"

namespace spawnq {

DbExecutor::DbExecutor(boost::asio::io_context& loop, std::string database_url, Pooler pooler, std::string role)
    : loop_(loop), url_(std::move(database_url)), pooler_(pooler), role_(std::move(role)) {}

DbExecutor::~DbExecutor() { stop(); }

void DbExecutor::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { thread_main(); });
}

void DbExecutor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (!tasks_.empty()) {
    spdlog::warn("{}: stopping with {} unwritten task(s); their jobs will be rescued as stuck", role_,
                 tasks_.size());
    tasks_.clear();
  }
}

void DbExecutor::enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

std::size_t DbExecutor::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size() + (running_task_ ? 1 : 0);
}

bool DbExecutor::ensure_connected() {
  if (conn_ && conn_->is_open()) return true;
  store_.reset();
  conn_.reset();
  try {
    conn_ = connect_database(url_, "spawnq daemon", pooler_);
    store_ = std::make_unique<JobStore>(*conn_, pooler_);
  } catch (const std::exception& e) {
    lost_connection("unreachable", e);
    return false;
  }
  connected_ = true;
  backoff_.reset();
  if (outage_logged_) {
    outage_logged_ = false;
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - outage_started_);
    spdlog::info("{} reachable again after {:.1f}s", role_, seconds.count());
    if (on_reconnect_) boost::asio::post(loop_, on_reconnect_);
  }
  return true;
}

// Drops the connection; an outage is logged once, when it starts.
void DbExecutor::lost_connection(const char* what, const std::exception& error) {
  ++errors_;
  store_.reset();
  conn_.reset();
  connected_ = false;
  next_wait_ = backoff_.next();
  if (outage_logged_) return;
  outage_logged_ = true;
  outage_started_ = std::chrono::steady_clock::now();
  spdlog::error("{} {}: {}; retrying with backoff", role_, what, first_line(error.what()));
}

void DbExecutor::wait_before_retry() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, next_wait_, [this] { return stopping_; });
}

void DbExecutor::report_failure(const Task& task, std::exception_ptr error) {
  boost::asio::post(loop_, [failed = task.failed, error] { failed(error); });
}

void DbExecutor::fire_and_forget(std::function<void(JobStore&)> work) {
  post<bool>([work = std::move(work)](JobStore& store) { work(store); return true; }, [](bool) {},
             [](std::exception_ptr error) {
               // Progress and wake-ups: the next one replaces what was lost.
               if (!is_connection_loss(error)) {
                 spdlog::warn("database: a background write failed: {}; not retried", describe_error(error));
               }
             },
             OnOutage::fail);
}

// Runs one task on a working connection; false when it must wait for the
// next one (kept work whose connection died).
bool DbExecutor::run_task(Task& task) {
  try {
    task.run(*store_, task.in_doubt);
    last_contact_ = std::chrono::steady_clock::now().time_since_epoch().count();
    return true;
  } catch (const pqxx::in_doubt_error& e) {
    // The link died during COMMIT: the server may or may not have committed.
    // Kept work is fenced, so running it again is safe either way, and its
    // caller is told the first result was unknown.
    lost_connection("connection lost during COMMIT (its result is unknown)", e);
    if (task.on_outage != OnOutage::keep) {
      report_failure(task, std::current_exception());
      return true;
    }
    if (!task.in_doubt) spdlog::warn("database: the lost COMMIT's work will run again once connected; it is fenced");
    task.in_doubt = true;
    return false;
  } catch (const pqxx::broken_connection& e) {
    lost_connection("connection lost", e);
    if (task.on_outage == OnOutage::keep) return false;
    report_failure(task, std::current_exception());
    return true;
  } catch (...) {
    ++errors_;
    report_failure(task, std::current_exception());
    return true;
  }
}

void DbExecutor::thread_main() {
  // Connected before the first task, so that neither it nor connected()
  // waits for the connection (a drain asks connected() of the outcome one).
  ensure_connected();
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
      running_task_ = true;
    }
    bool finished = true;
    if (ensure_connected()) {
      finished = run_task(task);
    } else if (task.on_outage == OnOutage::keep) {
      finished = false;
    } else {
      report_failure(task, std::make_exception_ptr(pqxx::broken_connection("database unreachable")));
    }
    {
      std::lock_guard lock(mutex_);
      running_task_ = false;
      if (!finished) tasks_.push_front(std::move(task));
    }
    if (!finished) wait_before_retry();
  }
}

std::function<void(std::exception_ptr)> retry_next_round(std::string what) {
  return [what = std::move(what)](std::exception_ptr error) {
    if (is_connection_loss(error)) return;
    spdlog::warn("database: {} failed: {}; trying again next round", what, describe_error(error));
  };
}

bool is_connection_loss(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::broken_connection&) {
    return true;
  } catch (const pqxx::in_doubt_error&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::string sqlstate_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate();
  } catch (...) {
    return "";
  }
}

std::string describe_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return first_line(e.what());
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace spawnq
