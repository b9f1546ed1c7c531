// Every SQL statement JobStore runs, by name: prepared once per connection
// (lazily, on first use) and executed only through JobStore's functions.
#pragma once

#include <string>
#include <vector>

namespace spawnq {

struct Statement {
  const char* name;
  std::string sql;
};

const std::vector<Statement>& job_store_statements();

}  // namespace spawnq
