#include "notification_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <pqxx/pqxx>

#include "common/connection.hpp"

namespace spawnq {
namespace {

class QueueReceiver : public pqxx::notification_receiver {
 public:
  QueueReceiver(pqxx::connection& conn, const std::string& queue, std::function<void()> on_notify)
      : pqxx::notification_receiver(conn, "spawnq:" + queue), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string&, int) override { on_notify_(); }

 private:
  std::function<void()> on_notify_;
};

}  // namespace

NotificationListener::NotificationListener(boost::asio::io_context& loop, std::string database_url,
                                           std::vector<std::string> queues, Wake wake)
    : loop_(loop), url_(std::move(database_url)), queues_(std::move(queues)), wake_(std::move(wake)) {}

NotificationListener::~NotificationListener() { stop(); }

void NotificationListener::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { thread_main(); });
}

void NotificationListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void NotificationListener::thread_main() {
  auto backoff = std::chrono::milliseconds(250);
  bool had_connection = false;
  bool outage_logged = false;
  while (!stopping_) {
    try {
      auto conn = connect_database(url_, "spawnq listener");
      std::vector<std::unique_ptr<QueueReceiver>> receivers;
      for (const std::string& queue : queues_) {
        receivers.push_back(std::make_unique<QueueReceiver>(*conn, queue, [this, queue] {
          boost::asio::post(loop_, [this, queue] { wake_(queue); });
        }));
      }
      conn->get_notifs();  // sends the LISTENs
      if (had_connection) {
        spdlog::info("listener: listening again; waking every queue");
        for (const std::string& queue : queues_) boost::asio::post(loop_, [this, queue] { wake_(queue); });
      }
      had_connection = true;
      outage_logged = false;
      backoff = std::chrono::milliseconds(250);
      // A short timeout keeps stop() prompt; a notification ends the wait at once.
      while (!stopping_) conn->await_notification(0, 200'000);
    } catch (const std::exception& e) {
      if (stopping_) return;
      if (!outage_logged) {
        outage_logged = true;
        spdlog::warn("listener: {}; reconnecting with backoff (queues are polled meanwhile)",
                     first_line(e.what()));
      }
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace spawnq
