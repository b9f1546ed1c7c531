// Passwords of the web console's users: argon2id through libsodium (a salted,
// deliberately slow and memory-hard hash), never a bare digest. The encoded
// hash ("$argon2id$v=19$m=65536,t=2,p=1$…") carries its own salt and costs.
#pragma once

#include <string>
#include <string_view>

namespace spawnq {

// Throws std::runtime_error when libsodium cannot start or the hash fails
// (out of memory).
std::string hash_password(std::string_view password);

// False for a wrong password and for a text that is not an argon2id hash.
bool password_matches(const std::string& encoded_hash, std::string_view password);

// True when the text reads as an argon2id hash that password_matches() can check.
bool looks_like_password_hash(const std::string& text);

}  // namespace spawnq
