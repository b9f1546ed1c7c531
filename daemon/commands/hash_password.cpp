// spawnq hash-password: reads a password on stdin and prints its argon2id
// hash, for web.users.NAME.password_hash. On a terminal it asks twice with
// the echo off; from a pipe it takes the first line. The password itself is
// never printed, logged or kept.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "commands.hpp"
#include "common/errors.hpp"
#include "web/password_hash.hpp"

namespace spawnq {
namespace {

// Turns the terminal's echo off for as long as it lives, and back on after.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // TCSANOW, not TCSAFLUSH: a password typed (or pasted) ahead is kept.
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::string read_line(const char* prompt, bool terminal) {
  std::string line;
  if (terminal) {
    std::cerr << prompt << std::flush;
    EchoOff quiet;
    std::getline(std::cin, line);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Command add_hash_password_command(CLI::App& app, CommandContext&) {
  CLI::App* sub = app.add_subcommand("hash-password",
      "Read a password on stdin, print its argon2id hash for web.users (no echo on a terminal)");
  return {sub, [] {
            const bool terminal = ::isatty(STDIN_FILENO) == 1;
            const std::string password = read_line("password: ", terminal);
            if (password.empty()) throw UsageError("hash-password: the password is empty");
            if (terminal && read_line("again: ", terminal) != password) {
              throw UsageError("hash-password: the two passwords differ");
            }
            std::cout << hash_password(password) << "\n";
          }};
}

}  // namespace spawnq
