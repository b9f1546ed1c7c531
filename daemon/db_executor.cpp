#include "db_executor.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/except>

#include "common/connection.hpp"
#include "common/database_url.hpp"

namespace spawnq {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{5000};

}  // namespace

DbExecutor::DbExecutor(boost::asio::io_context& loop, std::string database_url)
    : loop_(loop), url_(std::move(database_url)) {}

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
    spdlog::warn("database: stopping with {} unwritten task(s); their jobs will be rescued as stuck",
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
    conn_ = connect_database(url_, "spawnq daemon");
    store_ = std::make_unique<JobStore>(*conn_);
  } catch (const std::exception& e) {
    lost_connection("database unreachable", e);
    return false;
  }
  connected_ = true;
  backoff_ = std::chrono::milliseconds(250);
  if (outage_logged_) {
    outage_logged_ = false;
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - outage_started_);
    spdlog::info("database reachable again after {:.1f}s", seconds.count());
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
  if (outage_logged_) return;
  outage_logged_ = true;
  outage_started_ = std::chrono::steady_clock::now();
  spdlog::error("{}: {}; retrying with backoff", what, first_line(error.what()));
}

void DbExecutor::wait_before_retry() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, backoff_, [this] { return stopping_; });
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void DbExecutor::thread_main() {
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
    if (!ensure_connected()) {
      if (task.on_outage == OnOutage::keep) {
        finished = false;
      } else {
        boost::asio::post(loop_, [failed = task.failed] {
          failed(std::make_exception_ptr(pqxx::broken_connection("database unreachable")));
        });
      }
    } else {
      try {
        task.run(*store_);
        last_contact_ = std::chrono::steady_clock::now().time_since_epoch().count();
      } catch (const pqxx::failure& e) {
        // broken_connection, or in_doubt_error when the link died during COMMIT.
        if (!dynamic_cast<const pqxx::broken_connection*>(&e) &&
            !dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
          ++errors_;
          boost::asio::post(loop_, [failed = task.failed, error = std::current_exception()] { failed(error); });
          std::lock_guard lock(mutex_);
          running_task_ = false;
          continue;
        }
        // The connection died under the task. Work kept across outages is
        // fenced, so running it again is safe even if its commit went through.
        lost_connection("database connection lost", e);
        if (task.on_outage == OnOutage::keep) {
          finished = false;
        } else {
          boost::asio::post(loop_, [failed = task.failed, error = std::current_exception()] { failed(error); });
        }
      } catch (...) {
        ++errors_;
        boost::asio::post(loop_, [failed = task.failed, error = std::current_exception()] { failed(error); });
      }
    }
    {
      std::lock_guard lock(mutex_);
      running_task_ = false;
      if (!finished) tasks_.push_front(std::move(task));
    }
    if (!finished) wait_before_retry();
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
