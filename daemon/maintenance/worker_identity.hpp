// Who this daemon is, as recorded in spawnq.workers, and the rule for telling
// that another daemon registered on the same host is certainly gone, so that
// a daemon restarted after a crash can rescue its predecessor's jobs at once
// instead of waiting out stuck_job_timeout.
#pragma once

#include <functional>

#include "common/job_store.hpp"

namespace spawnq {

WorkerIdentity this_worker();

// Certain only when both run on the same boot of the same kernel in the same
// pid namespace (so the pid means the same process) and that pid is ours or
// not running; or when the host rebooted since (another boot id). Anything
// less certain waits for the heartbeat timeout. Host names are assumed to
// name one machine (containers get their own by default).
bool provably_gone(const WorkerRow& other, const WorkerIdentity& me,
                   const std::function<bool(int pid)>& running);

}  // namespace spawnq
