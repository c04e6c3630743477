// The shared plugin conformance suite (what `zra-sync plugin check` applies) on the ODBC plugin, once
// per driver.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/odbc/fixture_database.h"
#include "tests/support/plugin_conformance.h"

namespace zra::testing {
namespace {

class OdbcConformanceTest : public ::testing::TestWithParam<Driver> {};

TEST_P(OdbcConformanceTest, PassesTheSharedConformanceSuite) {
  FixtureDatabase db(GetParam());
  db.load_fixture();
  const std::string settings = nlohmann::json{{"connection_string", db.connection_string()}}.dump();
  const std::string stream =
      nlohmann::json{{"name", "accounts"},
                     {"query", "SELECT id, name, amount, modified, notes FROM crm_accounts ORDER BY id"},
                     {"key", "id"}}
          .dump();
  // libsqlite3odbc's own caches grow by a few KB, bounded, over the first few dozen statements (the same
  // with raw ODBC calls and no plugin); over 200 cycles that stays far below the probe's 64 bytes/cycle,
  // while a real per-cycle leak would not.
  conformance::Options options;
  options.limits.memory_cycles = 200;
  const auto findings = conformance::run(std::string(ZRA_PLUGIN_DIR) + "/libodbc.so", settings, stream, options);
  EXPECT_EQ(conformance::errors(findings), "");
}

INSTANTIATE_TEST_SUITE_P(Drivers, OdbcConformanceTest, ::testing::Values(Driver::kSqlite, Driver::kPostgres),
                         [](const ::testing::TestParamInfo<Driver>& info) { return driver_name(info.param); });

}  // namespace
}  // namespace zra::testing
