// Which fetch mode each driver gets, checked on the plugin's own classes (the host cannot see it):
// psqlODBC allows SQLGetData inside a block, so it is read in blocks of fetch_rows; the SQLite driver
// does not, so it is read one row per fetch. Both read long values whole.
#include <gtest/gtest.h>

#include "plugins/odbc/odbc_source.h"
#include "tests/integration/odbc/fixture_database.h"

namespace zra::testing {
namespace {

size_t rows_per_block(Driver driver) {
  FixtureDatabase db(driver);
  db.load_fixture();
  odbc::OdbcSource source(nullptr, R"({"connection_string":")" + db.connection_string() + R"("})");
  auto stream = source.open(R"({"name":"accounts","query":"SELECT id, notes FROM crm_accounts ORDER BY id","fetch_rows":3})");
  size_t rows = 0;
  size_t longest = 0;
  while (const zra_batch* batch = stream->next_batch()) {
    for (size_t r = 0; r < batch->n_rows; ++r) {
      EXPECT_EQ(batch->rows[r].error, nullptr);
      longest = std::max(longest, batch->rows[r].values[1].size);
    }
    rows += batch->n_rows;
  }
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(longest, 100000u);  // the 100 KB value, read past its 1 KB buffer
  return stream->rows_per_block();
}

TEST(OdbcFetchModeTest, PostgresReadsInBlocks) { EXPECT_EQ(rows_per_block(Driver::kPostgres), 3u); }

TEST(OdbcFetchModeTest, SqliteReadsOneRowPerFetch) { EXPECT_EQ(rows_per_block(Driver::kSqlite), 1u); }

}  // namespace
}  // namespace zra::testing
