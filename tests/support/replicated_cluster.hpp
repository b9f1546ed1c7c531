// ReplicatedCluster is a primary of the test's own (a PrivateCluster, its
// database spawnq migrated) and a hot standby streaming from it with
// synchronous replication (scripts/lib/replication.sh), for the failover
// test: the primary can be killed as a host dies and the standby promoted,
// as an operator or a cluster manager would.
#pragma once

#include <string>

#include "support/private_cluster.hpp"

namespace spawnq::test {

class ReplicatedCluster {
 public:
  ReplicatedCluster();  // returns once the standby is in sync
  ~ReplicatedCluster();
  ReplicatedCluster(const ReplicatedCluster&) = delete;
  ReplicatedCluster& operator=(const ReplicatedCluster&) = delete;

  // Both hosts, as database.url names them for a failover: libpq tries them
  // in order and keeps the first that accepts writes.
  std::string url() const;
  void kill_primary();     // immediate shutdown: connections cut, nothing checkpointed
  void promote_standby();  // returns once it accepts writes

 private:
  PrivateCluster primary_;
  std::string standby_;  // its folder
};

}  // namespace spawnq::test
