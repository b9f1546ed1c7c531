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
  const std::string& url() const { return url_; }

 private:
  void shell(const std::string& command) const;
  std::string folder_;
  std::string url_;
};

}  // namespace spawnq::test
