// The test harness starts its servers (PostgreSQL clusters, PgBouncer) with
// the same shell functions as scripts/start and scripts/test, from
// scripts/lib/, so that there is one way to run each.
#pragma once

#include <string>
#include <vector>

namespace spawnq::test {

// Runs `command` in bash with `set -e` after sourcing the named files of
// scripts/lib/; throws naming the command when it fails.
void run_harness_script(const std::string& command,
                        const std::vector<std::string>& libraries = {"postgres.sh"});

}  // namespace spawnq::test
