// The stores' SQL statements and how they reach the server. Each store lists
// its own named statements beside it (*_sql.cpp); JobStore puts them in one
// StatementBook per connection, and they run only through the stores.
//
// On a direct connection the book prepares each statement once. Behind a
// transaction pooler (database.pooler: transaction, docs/SPEC.md §2) a
// prepared statement would stay on the server connection the pooler lent us
// for one transaction — the next client of that connection would find it, and
// our next transaction would not — so there each statement is sent whole, as
// the unnamed statement of the extended protocol, every time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "common/pooler.hpp"

namespace spawnq {

struct Statement {
  const char* name;
  std::string sql;
};

class StatementBook {
 public:
  // `statement_timeout`: every statement may run this long, set for its
  // transaction only (set_config(…, true)), which a transaction pooler keeps
  // to the transaction as it must; none: the server's own setting.
  StatementBook(pqxx::connection& conn, Pooler pooler, const std::vector<const std::vector<Statement>*>& lists,
                std::optional<std::chrono::milliseconds> statement_timeout = std::nullopt);

  // False behind a transaction pooler: each statement is sent whole.
  bool prepares() const { return prepared_; }

  template <typename... Args>
  pqxx::result exec(pqxx::transaction_base& tx, const char* name, Args&&... args) const {
    limit(tx);
    if (prepared_) return tx.exec_prepared(name, std::forward<Args>(args)...);
    return tx.exec_params(sql_of(name), std::forward<Args>(args)...);
  }
  template <typename... Args>
  pqxx::row exec1(pqxx::transaction_base& tx, const char* name, Args&&... args) const {
    limit(tx);
    if (prepared_) return tx.exec_prepared1(name, std::forward<Args>(args)...);
    return tx.exec_params1(sql_of(name), std::forward<Args>(args)...);
  }
  template <typename... Args>
  void exec0(pqxx::transaction_base& tx, const char* name, Args&&... args) const {
    limit(tx);
    if (prepared_) tx.exec_prepared0(name, std::forward<Args>(args)...);
    else tx.exec_params0(sql_of(name), std::forward<Args>(args)...);
  }
  // One statement as a transaction of its own, in one round trip where
  // BEGIN, the statement and COMMIT take three. With a statement timeout it
  // opens a transaction after all, for the timeout's set_config to last in.
  // Lost with the connection, the statement may have committed or not, as
  // with a COMMIT in doubt: the caller must treat either loss alike.
  template <typename... Args>
  pqxx::result exec_alone(pqxx::connection& conn, const char* name, Args&&... args) const {
    if (timeout_ms_) {
      pqxx::work w(conn);
      pqxx::result rows = exec(w, name, std::forward<Args>(args)...);
      w.commit();
      return rows;
    }
    pqxx::nontransaction alone(conn);
    return exec(alone, name, std::forward<Args>(args)...);
  }

 private:
  const std::string& sql_of(const char* name) const;
  void limit(pqxx::transaction_base& tx) const;

  bool prepared_;
  std::optional<std::string> timeout_ms_;
  std::unordered_map<std::string, std::string> sql_;
};

}  // namespace spawnq
