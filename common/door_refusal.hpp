// The database's refusals of bad arguments, as the caller's mistake: the
// door of spawnq.enqueue() and its companions (SQLSTATE 22023, migration
// 008), and a dependency deleted between the door's check and the insert
// (23503), become a UsageError (exit 2) in the database's own words.
#pragma once

#include <pqxx/except>

namespace spawnq {

// Call from a catch block: throws the UsageError, or rethrows `e` as it came.
[[noreturn]] void rethrow_door_refusal(const pqxx::sql_error& e);

}  // namespace spawnq
