// The ODBC plugin read through the real plugin host, on SQLite and on PostgreSQL: both must yield the
// same text for the same fixture rows.
#include <gtest/gtest.h>

#include <clocale>
#include <string>

#include "tests/integration/odbc/odbc_test_support.h"

namespace zra::testing {
namespace {

const char* kAllColumns =
    "SELECT id, name, amount, score, founded, modified, active, notes, big FROM crm_accounts ORDER BY id";

std::string long_notes() {
  std::string out;
  for (int i = 0; i < 20000; ++i) out += "abcé";
  return out;
}

std::vector<Values> expected_fixture_rows() {
  const std::optional<std::string> null;
  return {
      {"1", "Acme", "12345678901234567890123456.1234567890", "0.1", "2024-02-29", "2024-03-01 12:34:56.789", "1", "plain",
       "9223372036854775807"},
      {"2", "Café Crème", "-0.0000000001", "3.14159", "1999-12-31", "2025-11-20 12:00:00", "0", "é 日本 😀",
       "-9223372036854775807"},
      {"3", "日本商事", "0.0000000000", "-2.5e+10", "2000-01-01", "2025-11-20 12:00:01", "1",
       "it's -- not a comment; :not_a_param", "0"},
      {"4", null, null, null, null, null, null, null, null},
      {"5", "Emoji 😀 Ltd", "1.5000000000", "1e-07", "2024-01-15", "2026-01-01 00:00:00.500", "0", long_notes(), "42"},
  };
}

using OdbcReadTest = OdbcDriverTest;

TEST_P(OdbcReadTest, ReadsEveryTypeAsTheSameTextOnEveryDriver) {
  StreamSpec spec{"accounts", kAllColumns, "id", {}, std::nullopt};
  const StreamContents got = read_stream(*source_, spec);
  EXPECT_EQ(got.columns, (std::vector<std::string>{"id", "name", "amount", "score", "founded", "modified", "active",
                                                   "notes", "big"}));
  const auto expected = expected_fixture_rows();
  const auto values = values_of(got);
  ASSERT_EQ(values.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) {
    for (size_t c = 0; c < expected[r].size(); ++c) {
      EXPECT_EQ(values[r][c], expected[r][c]) << "row " << r + 1 << " column " << got.columns[c];
    }
    EXPECT_FALSE(got.rows[r].error.has_value()) << *got.rows[r].error;
  }
  EXPECT_EQ(values[4][7]->size(), 100000u);
}

TEST_P(OdbcReadTest, UnicodeIsUtf8UnderAUtf8ProcessLocaleToo) {
  // A host may call setlocale(); the driver must still hand over UTF-8.
  const std::string previous = std::setlocale(LC_ALL, nullptr);
  ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr);
  StreamSpec spec{"accounts", "SELECT name, notes FROM crm_accounts WHERE id IN (2, 3) ORDER BY id", std::nullopt, {}, {}};
  const StreamContents got = read_stream(*source_, spec);
  std::setlocale(LC_ALL, previous.c_str());
  EXPECT_EQ(column_of(got, 0), (std::vector<std::string>{"Café Crème", "日本商事"}));
  EXPECT_EQ(column_of(got, 1), (std::vector<std::string>{"é 日本 😀", "it's -- not a comment; :not_a_param"}));
}

TEST_P(OdbcReadTest, LocatorsNameTheKeyOrTheRowNumber) {
  StreamSpec keyed{"accounts", "SELECT id, name FROM crm_accounts ORDER BY id", "id", {}, {}};
  StreamContents got = read_stream(*source_, keyed);
  ASSERT_EQ(got.rows.size(), 5u);
  EXPECT_EQ(got.rows[0].locator, "accounts#id=1");
  EXPECT_EQ(got.rows[4].locator, "accounts#id=5");

  // A key written in another case still finds PostgreSQL's lower-cased column; a NULL key says so.
  StreamSpec by_name{"accounts", "SELECT id, name FROM crm_accounts ORDER BY id", "NAME", {}, {}};
  got = read_stream(*source_, by_name);
  EXPECT_EQ(got.rows[1].locator, "accounts#NAME=Café Crème");
  EXPECT_EQ(got.rows[3].locator, "accounts#NAME=NULL row 4");

  StreamSpec unkeyed{"contacts", "SELECT id FROM crm_accounts ORDER BY id", std::nullopt, {}, {}};
  got = read_stream(*source_, unkeyed);
  EXPECT_EQ(got.rows[0].locator, "contacts row 1");
  EXPECT_EQ(got.rows[4].locator, "contacts row 5");
}

TEST_P(OdbcReadTest, ReadsManyRowsAcrossFetchBlocksAndBatches) {
  const std::string query = GetParam() == Driver::kPostgres
                                ? "SELECT g AS n, 'row ' || g AS label FROM generate_series(1, 2500) AS g"
                                : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2500) "
                                  "SELECT n, 'row ' || n AS label FROM s";
  StreamSpec spec{"numbers", query, std::nullopt, {}, 64};
  const StreamContents got = read_stream(*source_, spec, std::nullopt, 1000);
  EXPECT_EQ(got.batch_sizes, (std::vector<size_t>{1000, 1000, 500}));
  ASSERT_EQ(got.rows.size(), 2500u);
  for (size_t i = 0; i < got.rows.size(); ++i) {
    ASSERT_EQ(got.rows[i].values[0], std::to_string(i + 1));
    ASSERT_EQ(got.rows[i].values[1], "row " + std::to_string(i + 1));
  }
  EXPECT_EQ(got.rows.back().locator, "numbers row 2500");
}

TEST_P(OdbcReadTest, NamedParametersAreBoundNeverPastedIntoTheSql) {
  StreamSpec spec{"accounts",
                  "SELECT id FROM crm_accounts /* :ignored */ WHERE name = :name OR id = :id -- :also_ignored\n"
                  "ORDER BY id",
                  "id",
                  {{"name", scalar("Café Crème")}, {"id", scalar("5", false)}},
                  {}};
  EXPECT_EQ(column_of(read_stream(*source_, spec), 0), (std::vector<std::string>{"2", "5"}));

  // A value that would break out of a pasted literal matches nothing and harms nothing.
  spec.params = {{"name", scalar("x' OR '1'='1")}, {"id", scalar("-1", false)}};
  EXPECT_TRUE(read_stream(*source_, spec).rows.empty());

  // The same parameter twice, a boolean, and a literal holding ':name' text.
  StreamSpec repeated{"accounts",
                      "SELECT id FROM crm_accounts WHERE (id = :id OR id = :id + 1) AND notes <> ':id' ORDER BY id",
                      std::nullopt,
                      {{"id", scalar("1", false)}},
                      {}};
  EXPECT_EQ(column_of(read_stream(*source_, repeated), 0), (std::vector<std::string>{"1", "2"}));
}

TEST_P(OdbcReadTest, SinceIsBoundAsUtcTextOrNullWhenAbsent) {
  // The documented pattern: CAST(:since AS VARCHAR(40)) IS NULL types the NULL for PostgreSQL too.
  StreamSpec spec{"accounts",
                  "SELECT id FROM crm_accounts WHERE (CAST(:since AS VARCHAR(40)) IS NULL OR modified > :since) "
                  "ORDER BY id",
                  std::nullopt, {}, {}};
  EXPECT_EQ(column_of(read_stream(*source_, spec), 0), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(column_of(read_stream(*source_, spec, "2025-11-20T12:00:00Z"), 0), (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(column_of(read_stream(*source_, spec, "2025-11-20T14:00:00+02:00"), 0),
            (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(column_of(read_stream(*source_, spec, "2030-01-01T00:00:00Z"), 0), std::vector<std::string>{});

  StreamSpec echo{"echo", "SELECT CAST(:since AS VARCHAR(40)) AS since_value", std::nullopt, {}, {}};
  EXPECT_EQ(column_of(read_stream(*source_, echo, "2025-11-20T12:00:00.25Z"), 0),
            (std::vector<std::string>{"2025-11-20 12:00:00.25"}));
  EXPECT_EQ(column_of(read_stream(*source_, echo), 0), (std::vector<std::string>{"<NULL>"}));
}

TEST_P(OdbcReadTest, CheckConnectsWithoutReading) { EXPECT_NO_THROW(source_->check()); }

INSTANTIATE_TEST_SUITE_P(Drivers, OdbcReadTest, ::testing::Values(Driver::kSqlite, Driver::kPostgres),
                         driver_param_name);

TEST(OdbcPostgresOnlyTest, FloatingPointRoundTripsExactly) {
  FixtureDatabase db(Driver::kPostgres);
  auto source = SourceInstance::create(odbc_plugin(), "erp", source_settings(db.connection_string()));
  StreamSpec spec{"floats",
                  "SELECT CAST(0.1 AS DOUBLE PRECISION) + CAST(0.2 AS DOUBLE PRECISION) AS d, CAST(1.1 AS REAL) AS r, "
                  "CAST(1e300 AS DOUBLE PRECISION) AS big, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, "
                  "CAST('12:34:56.5' AS TIME) AS t",
                  std::nullopt, {}, {}};
  const auto got = values_of(read_stream(*source, spec));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (Values{"0.30000000000000004", "1.1", "1e+300", "2024-01-02 03:04:05.123456", "12:34:56.5"}));
}

}  // namespace
}  // namespace zra::testing
