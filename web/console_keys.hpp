// The console's two uses of a secret key made fresh at every start (so a
// restart ends every session's token and forgets every remembered password):
//
// - PasswordCache remembers which (hash, password) pairs checked good, by a
//   keyed digest, never the password: argon2id costs ~0.1 s on purpose, and
//   a browser sends the password with every request.
// - form_token(user) is the token each of that user's forms carries; the
//   server can compute it again, so it keeps no session table.
//
// Thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace spawnq {

class ConsoleKeys {
 public:
  ConsoleKeys();  // throws std::runtime_error when libsodium cannot start

  // password_matches(), remembering good answers (at most a few thousand).
  bool password_matches(const std::string& hash, std::string_view password);

  std::string form_token(const std::string& user) const;

 private:
  std::string digest(std::string_view purpose, std::string_view a, std::string_view b) const;

  std::array<unsigned char, 32> key_{};
  std::mutex mutex_;
  std::set<std::string> good_;
};

}  // namespace spawnq
