#include "console_keys.hpp"

#include <sodium.h>

#include <stdexcept>

#include "password_hash.hpp"

namespace spawnq {

ConsoleKeys::ConsoleKeys() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  randombytes_buf(key_.data(), key_.size());
}

std::string ConsoleKeys::digest(std::string_view purpose, std::string_view a, std::string_view b) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), 32);
  // Lengths first, so that ("ab", "c") and ("a", "bc") differ.
  for (const std::string_view part : {purpose, a, b}) {
    const std::uint64_t size = part.size();
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&size), sizeof size);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  unsigned char out[32];
  crypto_generichash_final(&state, out, sizeof out);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

bool ConsoleKeys::password_matches(const std::string& hash, std::string_view password) {
  const std::string key = digest("password", hash, password);
  {
    std::lock_guard lock(mutex_);
    if (good_.count(key)) return true;
  }
  if (!spawnq::password_matches(hash, password)) return false;
  std::lock_guard lock(mutex_);
  constexpr std::size_t kMostRemembered = 4096;
  if (good_.size() >= kMostRemembered) good_.clear();
  good_.insert(key);
  return true;
}

std::string ConsoleKeys::form_token(const std::string& user) const { return digest("form", user, ""); }

}  // namespace spawnq
