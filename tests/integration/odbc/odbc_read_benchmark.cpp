// Rows per second of the ODBC plugin reading 1,000,000 generated rows through the plugin host, per
// driver. DISABLED_ by default: a measurement, not a test (nothing timed is asserted). Run one driver
// per process to read its peak memory too:
//   /usr/bin/time -v build/test-bin/odbc_read_benchmark --gtest_also_run_disabled_tests
//       --gtest_filter='*Read1M*/PostgreSQL'
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "tests/integration/odbc/odbc_test_support.h"

namespace zra::testing {
namespace {

class OdbcReadBenchmark : public ::testing::TestWithParam<Driver> {};

TEST_P(OdbcReadBenchmark, DISABLED_Read1MRows) {
  FixtureDatabase db(GetParam());
  const bool pg = GetParam() == Driver::kPostgres;
  const std::string columns =
      "n AS id, 'Account ' || n AS name, 'owner' || n || '@example.com' AS email, "
      "CAST(n AS DECIMAL(20,2)) * 1.25 AS revenue, '2025-11-20 12:00:00' AS modified";
  const std::string query =
      pg ? "SELECT " + columns + " FROM generate_series(1, 1000000) AS n"
         : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000000) SELECT " + columns +
               " FROM s";
  auto source = SourceInstance::create(odbc_plugin(), "bench", source_settings(db.connection_string()));
  StreamSpec spec{"accounts", query, "id", {}, 1000};
  const auto start = std::chrono::steady_clock::now();
  auto reader = source->open(stream_node(spec), std::nullopt, 1000);
  std::vector<SourceRow> batch;
  size_t rows = 0, bytes = 0;
  while (reader->next(batch)) {
    rows += batch.size();
    for (const auto& r : batch) bytes += r.values[1] ? r.values[1]->size() : 0;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("[odbc-bench] %s: %zu rows in %.2f s = %.0f rows/s, peak RSS %ld MB (name bytes %zu)\n",
              driver_name(GetParam()).c_str(), rows, seconds, static_cast<double>(rows) / seconds,
              usage.ru_maxrss / 1024, bytes);
  EXPECT_EQ(rows, 1000000u);
}

INSTANTIATE_TEST_SUITE_P(Drivers, OdbcReadBenchmark, ::testing::Values(Driver::kSqlite, Driver::kPostgres),
                         driver_param_name);

}  // namespace
}  // namespace zra::testing
