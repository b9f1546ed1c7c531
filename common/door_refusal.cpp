#include "door_refusal.hpp"

#include <string>

#include "connection.hpp"
#include "errors.hpp"

namespace spawnq {

void rethrow_door_refusal(const pqxx::sql_error& e) {
  if (e.sqlstate() != "22023" && e.sqlstate() != "23503") throw;
  std::string message = first_line(e.what());
  if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
  throw UsageError(message);
}

}  // namespace spawnq
