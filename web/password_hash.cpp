#include "password_hash.hpp"

#include <sodium.h>

#include <stdexcept>

namespace spawnq {

namespace {

void start_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
}

}  // namespace

std::string hash_password(std::string_view password) {
  start_sodium();
  char encoded[crypto_pwhash_STRBYTES];
  // The interactive costs (2 passes over 64 MiB): about 0.1 s a check, too
  // slow to guess at and too slow to pay on every request, so the console
  // is to remember a good check rather than repeat it.
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("hashing the password failed (out of memory?)");
  }
  return encoded;
}

bool password_matches(const std::string& encoded_hash, std::string_view password) {
  start_sodium();
  if (!looks_like_password_hash(encoded_hash)) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

bool looks_like_password_hash(const std::string& text) {
  return text.rfind("$argon2id$", 0) == 0 && text.size() < crypto_pwhash_STRBYTES;
}

}  // namespace spawnq
