#include "statement.hpp"

#include <stdexcept>

namespace spawnq {

StatementBook::StatementBook(pqxx::connection& conn, Pooler pooler,
                             const std::vector<const std::vector<Statement>*>& lists,
                             std::optional<std::chrono::milliseconds> statement_timeout)
    : prepared_(pooler == Pooler::none) {
  if (statement_timeout) timeout_ms_ = std::to_string(statement_timeout->count());
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

void StatementBook::limit(pqxx::transaction_base& tx) const {
  // Before every statement rather than once per transaction: the stores open
  // their own transactions, and one more round trip is cheap beside a query
  // worth limiting.
  if (timeout_ms_) tx.exec_params("SELECT set_config('statement_timeout', $1, true)", *timeout_ms_);
}

}  // namespace spawnq
