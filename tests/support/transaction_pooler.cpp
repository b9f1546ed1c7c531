#include "support/transaction_pooler.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace spawnq::test {
namespace {

// The socket folder of the cluster scripts/test started: host='…' in $SPAWNQ_TEST_PG.
std::string test_cluster_socket_dir() {
  const char* base = std::getenv("SPAWNQ_TEST_PG");
  std::cmatch m;
  if (!base || !std::regex_search(base, m, std::regex("host='([^']+)'"))) {
    throw std::runtime_error("SPAWNQ_TEST_PG names no host='…': run the suite with scripts/test");
  }
  return m[1].str();
}

}  // namespace

TransactionPooler::TransactionPooler(int pool_size) {
  char pattern[] = "/tmp/spawnq-bouncer.XXXXXX";
  folder_ = ::mkdtemp(pattern);
  shell("pgbouncer_start '" + folder_ + "' '" + test_cluster_socket_dir() + "' " + std::to_string(pool_size));
}

TransactionPooler::~TransactionPooler() {
  try {
    shell("pgbouncer_stop '" + folder_ + "'");
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string TransactionPooler::url(const std::string& dbname) const {
  return "host='" + folder_ + "' port=6432 user=postgres dbname=" + dbname;
}

void TransactionPooler::shell(const std::string& command) const {
  const std::string source = std::string(SPAWNQ_SOURCE_DIR) + "/scripts/lib/";
  const std::string script = "set -e; source '" + source + "postgres.sh'; source '" + source + "pgbouncer.sh'; " + command;
  // The scripts quote with single quotes; the outer double quotes hold them.
  if (std::system(("bash -c \"" + script + "\"").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace spawnq::test
