#include "observers.hpp"

#include <system_error>

#include "common/errors.hpp"

namespace spawnq {

void Observers::start(const Config& config, StatusSources sources) {
  if (config.http_listen) {
    http_ = std::make_unique<HttpServer>(loop_, *config.http_listen, status_routes(std::move(sources)));
    try {
      http_->start();
    } catch (const std::system_error& e) {
      throw RuntimeFailure("http.listen " + *config.http_listen + ": cannot listen: " + e.code().message());
    }
  }
  for (auto& view : views_) view->start();
  if (http_ || !views_.empty()) depths_.start();
}

void Observers::stop() {
  depths_.stop();
  for (auto it = views_.rbegin(); it != views_.rend(); ++it) (*it)->stop();
  if (http_) http_->stop();
  notifier_.stop();
}

}  // namespace spawnq
