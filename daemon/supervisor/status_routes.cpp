#include "status_routes.hpp"

namespace spawnq {

std::map<std::string, HttpRoute> status_routes(StatusSources sources) {
  return {{"/metrics",
           [metrics = sources.metrics] {
             return HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics()};
           }},
          {"/healthz",
           [snapshot = sources.snapshot, allowed = sources.allowed_silence_s] {
             return health_reply(snapshot(), allowed);
           }},
          {"/status",
           [snapshot = sources.snapshot] { return HttpReply{200, "application/json", status_json(snapshot())}; }}};
}

}  // namespace spawnq
