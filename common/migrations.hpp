// The schema migrations compiled into the binary from sql/*.sql, in order.
#pragma once

#include <string_view>
#include <vector>

namespace spawnq {

struct Migration {
  std::string_view name;  // file name without .sql, e.g. "001_init"
  std::string_view sql;
};

// Generated at build time by cmake/embed_sql.cmake.
const std::vector<Migration>& embedded_migrations();

}  // namespace spawnq
