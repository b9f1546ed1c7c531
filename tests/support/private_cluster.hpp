// PrivateCluster is a PostgreSQL server of one test's own (scripts/lib/
// postgres.sh in a temp folder), for tests that stop and start the database
// under a running daemon without disturbing the shared test cluster.
#pragma once

#include <string>

namespace spawnq::test {

class PrivateCluster {
 public:
  PrivateCluster();  // initdb, start, create and migrate database spawnq
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  void start();
  void stop();  // fast shutdown: every connection is cut
  void kill();  // immediate shutdown, as if the host died: no checkpoint, crash recovery at the next start
  const std::string& url() const { return url_; }
  const std::string& folder() const { return folder_; }  // data in folder/data, the socket in folder/run

 private:
  std::string folder_;
  std::string url_;
};

}  // namespace spawnq::test
