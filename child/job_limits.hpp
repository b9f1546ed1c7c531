// What a runner does to itself before the handler runs (issue 7): resource
// limits with setrlimit, core dumps off unless asked, and, when it runs as
// root and the handler names a user, dropping to that user (supplementary
// groups, then gid, then uid) with PR_SET_NO_NEW_PRIVS, so neither the handler
// nor anything it execs can get the privileges back.
#pragma once

#include <string>

#include "common/envelope.hpp"

namespace spawnq {

// Empty on success, else what failed ("setrlimit(RLIMIT_AS): …").
std::string apply_limits(const JobLimits& limits);
std::string drop_privileges(const RunAs& run_as);

}  // namespace spawnq
