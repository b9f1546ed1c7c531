#include "statement.hpp"

#include <stdexcept>

namespace spawnq {

StatementBook::StatementBook(pqxx::connection& conn, Pooler pooler,
                             const std::vector<const std::vector<Statement>*>& lists)
    : prepared_(pooler == Pooler::none) {
  for (const auto* statements : lists) {
    for (const Statement& statement : *statements) {
      sql_.emplace(statement.name, statement.sql);
      if (prepared_) conn.prepare(statement.name, statement.sql);
    }
  }
}

const std::string& StatementBook::sql_of(const char* name) const {
  const auto it = sql_.find(name);
  // A name no store lists is a bug in the store, not bad input.
  if (it == sql_.end()) throw std::logic_error(std::string("no statement named ") + name);
  return it->second;
}

}  // namespace spawnq
