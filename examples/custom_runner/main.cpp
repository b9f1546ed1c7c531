// A runner of your own: spawnq's built-in handlers plus two of ours, in C++.
// Point the daemon at it with `runner: /path/to/custom-runner` in the config.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "spawnq/runner.hpp"

int main(int argc, char** argv) {
  spawnq::Registry registry;
  spawnq::add_builtin_handlers(registry);

  // {"text": "hello"} → prints HELLO.
  registry.add("shout", [](const spawnq::Job& job, spawnq::Context& context) {
    if (!job.payload.contains("text") || !job.payload["text"].is_string()) {
      throw spawnq::PermanentError("malformed payload: \"text\" must be a string");
    }
    std::string text = job.payload["text"];
    context.progress(0.5, "shouting");
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    std::printf("%s\n", text.c_str());
  });

  // Always asks to be tried again in two minutes.
  registry.add("flaky", [](const spawnq::Job&, spawnq::Context&) {
    throw spawnq::RetryableError("upstream unavailable", std::chrono::seconds(120));
  });

  return spawnq::run_main(argc, argv, registry);
}
