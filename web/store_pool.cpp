#include "store_pool.hpp"

#include "common/connection.hpp"

namespace spawnq {

StorePool::StorePool(std::string url, Pooler pooler, std::size_t size, std::chrono::milliseconds statement_timeout)
    : url_(std::move(url)), pooler_(pooler), size_(size), statement_timeout_(statement_timeout) {}

StorePool::Lease StorePool::lease() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [this] { return !idle_.empty() || lent_ < size_; });
    ++lent_;
    if (!idle_.empty()) {
      auto slot = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(slot));
    }
  }
  // Connect outside the lock: a slow database must not hold up the leases
  // of stores that are idle already.
  try {
    auto slot = std::make_unique<Slot>();
    slot->connection = connect_database(url_, "spawnq web", pooler_);
    slot->store = std::make_unique<JobStore>(*slot->connection, pooler_, statement_timeout_);
    return Lease(*this, std::move(slot));
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

void StorePool::give_back(std::unique_ptr<Slot> slot) {
  {
    std::lock_guard lock(mutex_);
    --lent_;
    // A broken connection is dropped; its place is taken by a new one when
    // next asked for.
    if (slot && slot->connection->is_open()) idle_.push_back(std::move(slot));
  }
  returned_.notify_one();
}

StorePool::Lease::~Lease() { pool_.give_back(std::move(slot_)); }

}  // namespace spawnq
