// What PostgreSQL said when it refused a statement: the SQLSTATE, the first
// line of the message (without "ERROR:  "), and the whole text with its
// HINT and CONTEXT, for tests that check the words of a refusal.
#pragma once

#include <pqxx/except>
#include <string>

namespace spawnq::test {

struct SqlRefusal {
  std::string sqlstate;
  std::string message;
  std::string full;
};

// Runs `statement`; {"", "(no error)", ""} when nothing was refused.
template <typename Statement>
SqlRefusal refusal_of(Statement statement) {
  try {
    statement();
  } catch (const pqxx::sql_error& e) {
    const std::string full = e.what();
    std::string first = full.substr(0, full.find('\n'));
    if (first.rfind("ERROR:", 0) == 0) first.erase(0, first.find_first_not_of(' ', 6));
    return {e.sqlstate(), first, full};
  }
  return {"", "(no error)", ""};
}

}  // namespace spawnq::test
