#include "support/private_cluster.hpp"

#include <pqxx/pqxx>

#include "common/migrations.hpp"
#include "common/schema_migrator.hpp"
#include "support/harness_script.hpp"

#include <cstdlib>
#include <filesystem>

namespace spawnq::test {

PrivateCluster::PrivateCluster() {
  char pattern[] = "/tmp/spawnq-cluster.XXXXXX";
  folder_ = ::mkdtemp(pattern);
  url_ = "host='" + folder_ + "/run' port=5432 user=postgres dbname=spawnq";
  start();
  run_harness_script("pg_cluster_ensure_db '" + folder_ + "' spawnq");
  pqxx::connection conn(url_);
  migrate_schema(conn, embedded_migrations());
}

PrivateCluster::~PrivateCluster() {
  try {
    stop();
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

void PrivateCluster::start() { run_harness_script("pg_cluster_start '" + folder_ + "' fsync=off"); }
void PrivateCluster::stop() { run_harness_script("pg_cluster_stop '" + folder_ + "'"); }
void PrivateCluster::kill() { run_harness_script("pg_cluster_kill '" + folder_ + "'"); }

}  // namespace spawnq::test
