// Service is one long-lived duty of the daemon with a lifecycle: start() and
// stop() on the event loop, stop() safe twice and before start(). The daemon
// starts its services in one declared order and stops them in the reverse.
#pragma once

namespace spawnq {

class Service {
 public:
  virtual ~Service() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
};

}  // namespace spawnq
