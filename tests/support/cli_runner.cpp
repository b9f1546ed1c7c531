#include "support/cli_runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <filesystem>
#include <future>

namespace spawnq::test {

namespace bp = boost::process;

CliResult run_spawnq(const std::vector<std::string>& args, const std::string& stdin_text,
                     const std::map<std::string, std::string>& env) {
  return run_program(SPAWNQ_BIN, args, env, stdin_text);
}

CliResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env, const std::string& stdin_text) {
  bp::environment environment = boost::this_process::environment();
  for (const char* name : {"SPAWNQ_CONFIG", "SPAWNQ_DATABASE_URL"}) environment.erase(name);
  for (const auto& [name, value] : env) environment[name] = value;

  char pattern[] = "/tmp/spawnq-cli.XXXXXX";
  const std::filesystem::path cwd = ::mkdtemp(pattern);

  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  bp::child child(bp::exe = program, bp::args = args, bp::std_in < boost::asio::buffer(stdin_text),
                  bp::std_out > out, bp::std_err > err, bp::start_dir = cwd.string(), environment, io);
  io.run();
  child.wait();
  std::filesystem::remove_all(cwd);
  return CliResult{child.exit_code(), out.get(), err.get()};
}

}  // namespace spawnq::test
