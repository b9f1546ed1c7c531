// A named SQL statement. Each store lists its own beside it (*_sql.cpp);
// JobStore prepares them all once per connection, and they run only through
// the stores' functions.
#pragma once

#include <string>
#include <vector>

namespace spawnq {

struct Statement {
  const char* name;
  std::string sql;
};

}  // namespace spawnq
