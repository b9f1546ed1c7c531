// The plan PostgreSQL picks for one of the claim statements, as EXPLAIN's
// text: prepared as the daemon prepares it, so generic and custom plans can
// both be looked at. For the tests that keep the claim on an index.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "common/job_queue.hpp"
#include "support/test_database.hpp"

namespace spawnq::test {

inline std::string statement_sql(const std::string& name) {
  for (const Statement& statement : job_queue_statements()) {
    if (name == statement.name) return statement.sql;
  }
  FAIL("no statement " << name);
  return {};
}

// `types`: the parameter types, e.g. "text, int"; `args`: the arguments.
inline std::string statement_plan(TestDatabase& db, const std::string& name, const std::string& types,
                                  const std::string& args, const std::string& plan_cache_mode = "auto") {
  db.sql("SET plan_cache_mode = " + plan_cache_mode);
  db.sql("PREPARE plan_probe (" + types + ") AS " + statement_sql(name));
  std::string plan;
  for (const auto& row : db.sql("EXPLAIN EXECUTE plan_probe(" + args + ")")) plan += row[0].as<std::string>() + "\n";
  db.sql("DEALLOCATE plan_probe");
  return plan;
}

}  // namespace spawnq::test
