// Observers: what operators watch the daemon through, as one service of it —
// sd_notify (always), the HTTP routes (when http.listen is set), the views
// such as the dashboard (when asked for), and the queue depths those two read,
// counted only when one of them is there. Event loop only.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/service.hpp"
#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"
#include "daemon/observe/http_server.hpp"
#include "daemon/observe/service_notifier.hpp"
#include "queue_depths.hpp"
#include "status_routes.hpp"

namespace spawnq {

class Observers {
 public:
  // `db`: where the depths are counted, not where the claims are made.
  Observers(boost::asio::io_context& loop, DbExecutor& db) : loop_(loop), notifier_(loop), depths_(loop, db) {}

  void add_view(std::unique_ptr<Service> view) { views_.push_back(std::move(view)); }  // before start()
  // Throws RuntimeFailure when http.listen cannot be bound.
  void start(const Config& config, StatusSources sources);
  void stop();  // in reverse order of start(); safe twice

  ServiceNotifier& notifier() { return notifier_; }
  const DepthMap& depths() const { return depths_.depths(); }

 private:
  boost::asio::io_context& loop_;
  ServiceNotifier notifier_;
  QueueDepths depths_;
  std::unique_ptr<HttpServer> http_;  // none without http.listen
  std::vector<std::unique_ptr<Service>> views_;
};

}  // namespace spawnq
