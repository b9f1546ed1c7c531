#include "web/password_hash.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;

TEST_CASE("a password hash is salted argon2id and matches only its password") {
  const std::string hash = hash_password("correct horse");
  CHECK(hash.rfind("$argon2id$v=19$", 0) == 0);
  CHECK(looks_like_password_hash(hash));
  CHECK(password_matches(hash, "correct horse"));
  CHECK_FALSE(password_matches(hash, "correct horse "));
  CHECK_FALSE(password_matches(hash, ""));
  // Salted: the same password never hashes the same twice.
  CHECK(hash_password("correct horse") != hash);
}

TEST_CASE("a text that is not an argon2id hash matches no password") {
  CHECK_FALSE(looks_like_password_hash("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"));
  CHECK_FALSE(password_matches("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "password"));
  CHECK_FALSE(password_matches("", ""));
  CHECK_FALSE(password_matches("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA", "password"));
}
