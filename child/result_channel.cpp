#include "result_channel.hpp"

#include <unistd.h>

#include <cerrno>

#include "spawnq/runner.hpp"

namespace spawnq {

void write_child_message(int fd, const ChildMessage& message) {
  const std::string line = format_child_message(message);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

void Context::progress(double fraction, std::string_view message) {
  ProgressLine line{fraction, std::nullopt};
  if (!message.empty()) line.message = std::string(message);
  write_child_message(result_fd_, line);
}

}  // namespace spawnq
