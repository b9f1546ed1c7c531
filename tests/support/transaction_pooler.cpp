#include "support/transaction_pooler.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "support/harness_script.hpp"

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
  run_harness_script("pgbouncer_start '" + folder_ + "' '" + test_cluster_socket_dir() + "' " + std::to_string(pool_size),
                     {"postgres.sh", "pgbouncer.sh"});
}

TransactionPooler::~TransactionPooler() {
  try {
    run_harness_script("pgbouncer_stop '" + folder_ + "'", {"postgres.sh", "pgbouncer.sh"});
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

std::string TransactionPooler::url(const std::string& dbname) const {
  return "host='" + folder_ + "' port=6432 user=postgres dbname=" + dbname;
}

}  // namespace spawnq::test
