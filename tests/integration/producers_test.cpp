// The producers of examples/producers, as a user copies them: Python
// (psycopg2), Ruby (pg), PHP (PDO pgsql) and Node.js (pg) from Debian's
// packages, each connected as a spawnq_producer login, each enqueueing inside
// its own transaction with its own row, once committed and once rolled back,
// against a real daemon.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "support/cli_runner.hpp"
#include "support/daemon_process.hpp"
#include "support/test_database.hpp"
#include "support/wait_until.hpp"

using namespace spawnq::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

struct Producer {
  const char* language;
  std::string program;
  std::vector<std::string> args;
};

std::string example(const std::string& file) { return std::string(SPAWNQ_SOURCE_DIR) + "/examples/producers/" + file; }

// The application's side: its own table, and a login that may write it and
// call spawnq.enqueue, nothing more. Dropped with the test.
struct Application {
  TestDatabase& db;
  std::string role = "webapp_" + std::to_string(::getpid());
  explicit Application(TestDatabase& database) : db(database) {
    db.sql("CREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item text NOT NULL)");
    db.sql("DROP ROLE IF EXISTS " + role);
    db.sql("CREATE ROLE " + role + " LOGIN IN ROLE spawnq_producer");
    db.sql("GRANT INSERT, SELECT ON public.orders TO " + role);
  }
  ~Application() {
    try {
      db.sql("DROP OWNED BY " + role);
      db.sql("DROP ROLE " + role);
    } catch (...) {
    }
  }
  // libpq's environment, which all four drivers read.
  std::map<std::string, std::string> environment() const {
    const std::string url = db.url();
    std::smatch host;
    std::regex_search(url, host, std::regex("host='([^']+)'"));
    return {{"PGHOST", host[1].str()}, {"PGPORT", "5432"},  {"PGUSER", role},
            {"PGDATABASE", db.name()},  {"PGTZ", "UTC"}};
  }
};

}  // namespace

TEST_CASE("producers: Python, Ruby, PHP and Node enqueue in their own transaction, and a rolled-back job never exists") {
  TestDatabase db;
  Application app(db);
  DaemonProcess daemon(db.url(), "poll_interval: 200ms\nqueues: [default]\n");
  const Producer producers[] = {
      {"python", "/usr/bin/python3", {example("producer.py")}},
      {"ruby", "/usr/bin/ruby", {example("producer.rb")}},
      {"php", "/usr/bin/php", {example("producer.php")}},
      {"node", "/usr/bin/node", {example("producer.js")}},
  };
  const std::regex committed(R"(committed order=(\d+) job=(\d+))");
  const std::regex rolled_back(R"(rolled back order=(\d+) job=(\d+))");
  for (const Producer& producer : producers) {
    INFO(producer.language);
    const CliResult run = run_program(producer.program, producer.args, app.environment());
    INFO(run.out + run.err);
    REQUIRE(run.exit_code == 0);
    std::smatch kept, dropped;
    REQUIRE(std::regex_search(run.out, kept, committed));
    REQUIRE(std::regex_search(run.out, dropped, rolled_back));
    const std::string job = kept[2].str();
    CHECK(wait_until([&] { return db.status_of(std::stoll(job)) == "done"; }, 10s));
    CHECK(db.value("SELECT (payload->>'order_id') || ' ' || (payload->>'item') FROM spawnq.jobs WHERE id = " + job) ==
          kept[1].str() + " " + producer.language + " book");
    CHECK(db.value("SELECT count(*) FROM spawnq.jobs WHERE id = " + dropped[2].str()) == "0");
    CHECK(db.value("SELECT string_agg(item, ',') FROM public.orders WHERE id IN (" + kept[1].str() + ", " +
                   dropped[1].str() + ")") == std::string(producer.language) + " book");
  }
  CHECK(db.value("SELECT count(*) FROM spawnq.jobs") == "4");
}
