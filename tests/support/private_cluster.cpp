#include "support/private_cluster.hpp"

#include <pqxx/pqxx>

#include "common/migrations.hpp"
#include "common/schema_migrator.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace spawnq::test {

PrivateCluster::PrivateCluster() {
  char pattern[] = "/tmp/spawnq-cluster.XXXXXX";
  folder_ = ::mkdtemp(pattern);
  url_ = "host='" + folder_ + "/run' port=5432 user=postgres dbname=spawnq";
  start();
  shell("pg_cluster_ensure_db '" + folder_ + "' spawnq");
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

void PrivateCluster::start() { shell("pg_cluster_start '" + folder_ + "' fsync=off"); }
void PrivateCluster::stop() { shell("pg_cluster_stop '" + folder_ + "'"); }

void PrivateCluster::shell(const std::string& command) const {
  const std::string script = std::string("set -e; source '") + SPAWNQ_SOURCE_DIR +
                             "/scripts/lib/postgres.sh'; " + command;
  const std::string line = "bash -c \"" + script + "\"";
  // The scripts quote with single quotes; the outer double quotes hold them.
  if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace spawnq::test
