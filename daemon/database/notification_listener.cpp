#include "notification_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <pqxx/pqxx>

#include "common/connection.hpp"
#include "reconnect_backoff.hpp"

namespace spawnq {
namespace {

// How often a quiet LISTEN connection is checked with a query.
constexpr std::chrono::seconds kCheckEvery{5};

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& conn, const std::string& channel,
           std::function<void(const std::string& payload)> on_notify)
      : pqxx::notification_receiver(conn, channel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string& payload, int) override { on_notify_(payload); }

 private:
  std::function<void(const std::string&)> on_notify_;
};

}  // namespace

NotificationListener::NotificationListener(boost::asio::io_context& loop, std::string database_url,
                                           std::vector<std::string> queues, Wake wake, Cancel cancel,
                                           Paused paused)
    : loop_(loop),
      url_(std::move(database_url)),
      queues_(std::move(queues)),
      wake_(std::move(wake)),
      cancel_(std::move(cancel)),
      paused_(std::move(paused)) {}

NotificationListener::~NotificationListener() { stop(); }

void NotificationListener::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { thread_main(); });
}

void NotificationListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void NotificationListener::thread_main() {
  ReconnectBackoff backoff;
  bool had_connection = false;
  bool outage_logged = false;
  while (!stopping_) {
    try {
      auto conn = connect_database(url_, "spawnq listener");
      std::vector<std::unique_ptr<Receiver>> receivers;
      for (const std::string& queue : queues_) {
        receivers.push_back(std::make_unique<Receiver>(*conn, "spawnq:" + queue, [this, queue](const std::string&) {
          boost::asio::post(loop_, [this, queue] { wake_(queue); });
        }));
      }
      receivers.push_back(std::make_unique<Receiver>(*conn, "spawnq_cancel", [this](const std::string& payload) {
        try {
          const std::int64_t id = std::stoll(payload);
          boost::asio::post(loop_, [this, id] { cancel_(id); });
        } catch (const std::exception&) {
          spdlog::warn("listener: ignoring cancel notification with payload '{:.50}'", payload);
        }
      }));
      receivers.push_back(std::make_unique<Receiver>(*conn, "spawnq_pause", [this](const std::string& payload) {
        // "paused:QUEUE" or "resumed:QUEUE"
        const auto colon = payload.find(':');
        const std::string what = payload.substr(0, colon);
        if (colon == std::string::npos || (what != "paused" && what != "resumed")) {
          spdlog::warn("listener: ignoring pause notification with payload '{:.70}'", payload);
          return;
        }
        boost::asio::post(loop_, [this, queue = payload.substr(colon + 1), paused = what == "paused"] {
          paused_(queue, paused);
        });
      }));
      conn->get_notifs();  // sends the LISTENs
      // Whatever was enqueued before the LISTENs took effect sent its NOTIFY
      // to nobody: one claim per queue now finds it, on the first connection
      // (the coordinators' first claim may have run before we listened) as
      // after an outage.
      if (had_connection) spdlog::info("listener: listening again; waking every queue");
      for (const std::string& queue : queues_) boost::asio::post(loop_, [this, queue] { wake_(queue); });
      had_connection = true;
      outage_logged = false;
      backoff.reset();
      // A short timeout keeps stop() prompt; a notification ends the wait at once.
      auto checked = std::chrono::steady_clock::now();
      while (!stopping_) {
        if (conn->await_notification(0, 200'000) == 0 && std::chrono::steady_clock::now() - checked > kCheckEvery) {
          pqxx::nontransaction(*conn).exec("SELECT 1");  // throws if the link died quietly
          checked = std::chrono::steady_clock::now();
        }
      }
    } catch (const std::exception& e) {
      if (stopping_) return;
      if (!outage_logged) {
        outage_logged = true;
        spdlog::warn("listener: {}; reconnecting with backoff (queues are polled meanwhile)",
                     first_line(e.what()));
      }
      const auto wait = backoff.next();
      for (auto waited = std::chrono::milliseconds(0); waited < wait && !stopping_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

}  // namespace spawnq
