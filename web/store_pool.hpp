// StorePool owns the console's database connections, one JobStore on each,
// and lends them out one request at a time: a lease is the only way to a
// store, and its end gives the store back (or drops it, when its connection
// broke, so the next lease connects anew). Every store limits each statement
// to `statement_timeout`, so no page can hold the database for long.
// Thread-safe; at most `size` stores exist at once, and a lease waits for one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "common/job_store.hpp"
#include "common/pooler.hpp"

namespace spawnq {

class StorePool {
  struct Slot {
    std::unique_ptr<pqxx::connection> connection;
    std::unique_ptr<JobStore> store;
  };

 public:
  StorePool(std::string url, Pooler pooler, std::size_t size, std::chrono::milliseconds statement_timeout);

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Slot> slot) : pool_(pool), slot_(std::move(slot)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    JobStore& store() { return *slot_->store; }

   private:
    StorePool& pool_;
    std::unique_ptr<Slot> slot_;
  };

  // Throws what connect_database throws when no store is idle and a new
  // connection cannot be opened.
  Lease lease();

 private:
  void give_back(std::unique_ptr<Slot> slot);

  const std::string url_;
  const Pooler pooler_;
  const std::size_t size_;
  const std::chrono::milliseconds statement_timeout_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Slot>> idle_;
  std::size_t lent_ = 0;
};

}  // namespace spawnq
