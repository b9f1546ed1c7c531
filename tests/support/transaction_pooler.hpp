// TransactionPooler is a real PgBouncer of one test's own (scripts/lib/
// pgbouncer.sh in a temp folder): pool_mode = transaction, a small pool, no
// server_reset_query, in front of the suite's test cluster. With one server
// connection per database, every client of a database shares it, so session
// state one of them leaves behind is there for the next to see.
#pragma once

#include <string>

namespace spawnq::test {

class TransactionPooler {
 public:
  explicit TransactionPooler(int pool_size = 1);
  ~TransactionPooler();
  TransactionPooler(const TransactionPooler&) = delete;
  TransactionPooler& operator=(const TransactionPooler&) = delete;

  // The libpq string for database `dbname` of the test cluster, through the pooler.
  std::string url(const std::string& dbname) const;

 private:
  std::string folder_;
};

}  // namespace spawnq::test
