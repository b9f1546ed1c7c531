// Console answers one request of the web console (docs/SPEC.md §1.3): it
// decides access (web/access), finds the route, reads what the page needs
// through a leased JobStore, renders HTML or JSON, and for an action checks
// the role, carries it out, writes the audit entry and logs one line. It
// never touches SQL; every store it uses has a statement timeout, and a
// query that runs past it is a 503, not a hung page. Thread-safe: the
// server calls handle() from several threads.
#pragma once

#include <chrono>
#include <string>

#include "config/config.hpp"
#include "web/console_keys.hpp"
#include "web/overview.hpp"
#include "web/store_pool.hpp"
#include "web/web_request.hpp"

namespace spawnq {

struct ConsoleOptions {
  bool tls = false;  // the console's own origin is https://HOST then
  int failure_sample = 10000;  // the failures page groups the newest this many
  int page_size = 50;
};

class Console {
 public:
  Console(const Config& config, StorePool& stores, OverviewPoller& overview, ConsoleOptions options = {});

  WebResponse handle(const WebRequest& request);

 private:
  struct Caller;
  WebResponse route(const WebRequest& request, const Caller& caller);
  WebResponse act(const WebRequest& request, const Caller& caller);

  const Config& config_;
  StorePool& stores_;
  OverviewPoller& overview_;
  const ConsoleOptions options_;
  ConsoleKeys keys_;
};

}  // namespace spawnq
