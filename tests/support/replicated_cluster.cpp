#include "support/replicated_cluster.hpp"

#include <cstdlib>
#include <filesystem>

#include "support/harness_script.hpp"

namespace spawnq::test {
namespace {

const std::vector<std::string> kLibraries = {"postgres.sh", "replication.sh"};
constexpr const char* kStandbyName = "spawnq_standby";

}  // namespace

ReplicatedCluster::ReplicatedCluster() {
  char pattern[] = "/tmp/spawnq-standby.XXXXXX";
  standby_ = ::mkdtemp(pattern);
  run_harness_script("pg_standby_start '" + primary_.folder() + "' '" + standby_ + "' " + kStandbyName + " fsync=off",
                     kLibraries);
  run_harness_script("pg_replication_synchronous '" + primary_.folder() + "' " + kStandbyName, kLibraries);
}

ReplicatedCluster::~ReplicatedCluster() {
  try {
    run_harness_script("pg_cluster_stop '" + standby_ + "'");
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(standby_, ignored);
}

std::string ReplicatedCluster::url() const {
  return "host=" + primary_.folder() + "/run," + standby_ +
         "/run port=5432,5432 user=postgres dbname=spawnq target_session_attrs=read-write";
}

void ReplicatedCluster::kill_primary() { primary_.kill(); }

void ReplicatedCluster::promote_standby() { run_harness_script("pg_standby_promote '" + standby_ + "'", kLibraries); }

}  // namespace spawnq::test
