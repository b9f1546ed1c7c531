// spawnq web: the web console (docs/SPEC.md §1.3), its own process on any
// host, talking only to the database. Closed by default: with no web.users
// it serves read-only and only on a loopback address.
#include <boost/asio/ssl/context.hpp>
#include <pqxx/except>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "common/connection.hpp"
#include "common/errors.hpp"
#include "common/listen_address.hpp"
#include "web/console.hpp"
#include "web/console_server.hpp"

namespace spawnq {
namespace {

struct WebFlags {
  std::optional<std::string> listen;
  int threads = 4;
};

constexpr auto kStatementTimeout = std::chrono::milliseconds(5000);
// With the pages' own 1 s poll of the server, a change shows within 2 s.
constexpr auto kOverviewInterval = std::chrono::milliseconds(1000);

std::shared_ptr<boost::asio::ssl::context> tls_context(const std::optional<WebTls>& tls) {
  if (!tls) return nullptr;
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  context->use_certificate_chain_file(tls->cert, ec);
  if (ec) throw UsageError("web.tls.cert: cannot load " + tls->cert + ": " + ec.message());
  context->use_private_key_file(tls->key, ssl::context::pem, ec);
  if (ec) throw UsageError("web.tls.key: cannot load " + tls->key + ": " + ec.message());
  return context;
}

void serve(CommandContext& ctx, const WebFlags& flags) {
  const Config& config = ctx.config();
  const std::string listen = flags.listen.value_or(config.web.listen);
  const auto endpoint = parse_listen(listen, flags.listen ? "--listen" : "web.listen");
  if (config.web.users.empty() && !endpoint.address().is_loopback()) {
    throw UsageError("web: no web.users are configured, so the console serves read-only on a loopback address "
                     "only, and " + listen + " is not one; add users (spawnq hash-password) or listen on 127.0.0.1");
  }
  if (flags.threads < 1 || flags.threads > 64) throw UsageError("--threads: must be 1 to 64");
  auto tls = tls_context(config.web.tls);
  init_logging("spawnq", config.log);

  // One store per server thread and one for the overview's poll.
  StorePool stores(config.database_url, config.database_pooler, static_cast<std::size_t>(flags.threads) + 1,
                   kStatementTimeout);
  {
    // A missing schema is said now, once, rather than on every page.
    try {
      auto lease = stores.lease();
      read_overview_inputs(lease.store(), config.stuck_job_timeout);
    } catch (const pqxx::broken_connection& e) {
      spdlog::warn("web: the database is out of reach for now ({}); pages answer 503 until it is back",
                   first_line(e.what()));
    } catch (const RuntimeFailure& e) {
      spdlog::warn("web: the database is out of reach for now ({}); pages answer 503 until it is back", e.what());
    }
  }
  OverviewPoller overview(
      [&stores, &config] {
        auto lease = stores.lease();
        return read_overview_inputs(lease.store(), config.stuck_job_timeout);
      },
      kOverviewInterval);
  Console console(config, stores, overview, ConsoleOptions{tls != nullptr});
  ConsoleServer server(endpoint, [&console](const WebRequest& request) { return console.handle(request); }, tls);
  try {
    server.bind();
  } catch (const std::system_error& e) {
    throw RuntimeFailure("web: cannot listen on " + listen + ": " + e.code().message());
  }
  spdlog::info("web: serving the console on {}://{} ({})", tls ? "https" : "http", server.bound_address(),
               config.web.users.empty() ? std::string("read-only: no web.users configured")
                                        : std::to_string(config.web.users.size()) + " users");
  server.run(flags.threads);
  spdlog::info("web: stopped");
}

}  // namespace

Command add_web_command(CLI::App& app, CommandContext& ctx) {
  auto [sub, flags] = add_subcommand_with_flags<WebFlags>(app, "web", "Serve the web console");
  sub->add_option("--listen", flags->listen, "HOST:PORT to listen on (else web.listen, 127.0.0.1:9465)");
  sub->add_option("--threads", flags->threads, "Requests served at once, each with its own connection (default 4)");
  return {sub, [&ctx, flags] { serve(ctx, *flags); }};
}

}  // namespace spawnq
