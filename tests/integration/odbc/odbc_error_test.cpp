// Error paths of the ODBC plugin: driver errors carry SQLSTATE and the driver's text, settings errors
// name the key, secrets never appear, and a connection lost mid-read fails the stream as ZRA_ERROR_IO.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/plugin_host/source_error.h"
#include "tests/integration/odbc/odbc_test_support.h"

namespace zra::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The message and exit code of the SourceError `fn` throws (fails the test when it throws nothing).
template <typename F>
std::pair<std::string, int> source_error_of(F&& fn) {
  try {
    fn();
  } catch (const SourceError& e) {
    return {e.what(), e.exit_code()};
  } catch (const ConfigError& e) {
    return {e.what(), e.exit_code()};
  }
  ADD_FAILURE() << "expected an error";
  return {"", 0};
}

using OdbcErrorTest = OdbcDriverTest;

TEST_P(OdbcErrorTest, SyntaxErrorCarriesSqlstateAndDriverMessage) {
  StreamSpec spec{"accounts", "SELEC id FROM crm_accounts", std::nullopt, {}, {}};
  const auto [message, code] = source_error_of([&] { read_stream(*source_, spec); });
  EXPECT_THAT(message, AllOf(HasSubstr("stream accounts: query failed"), HasSubstr("SQLSTATE "), HasSubstr("syntax error")));
  if (GetParam() == Driver::kPostgres) {
    EXPECT_THAT(message, HasSubstr("SQLSTATE 42601"));
    EXPECT_EQ(code, 2);  // a query the database calls invalid is the user's to fix
  }
}

TEST_P(OdbcErrorTest, UnknownTableIsReportedWithTheDriverText) {
  StreamSpec spec{"accounts", "SELECT id FROM no_such_table", std::nullopt, {}, {}};
  const auto [message, code] = source_error_of([&] { read_stream(*source_, spec); });
  EXPECT_THAT(message, AllOf(HasSubstr("SQLSTATE "), HasSubstr("no_such_table")));
}

TEST_P(OdbcErrorTest, StreamDefinitionErrorsNameWhatIsWrong) {
  StreamSpec unknown_param{"accounts", "SELECT id FROM crm_accounts WHERE name = :region", std::nullopt, {}, {}};
  auto [message, code] = source_error_of([&] { read_stream(*source_, unknown_param); });
  EXPECT_THAT(message, AllOf(HasSubstr("ZRA_ERROR_SETTINGS"), HasSubstr(":region"), HasSubstr("params")));
  EXPECT_EQ(code, 2);

  StreamSpec positional{"accounts", "SELECT id FROM crm_accounts WHERE id = ?", std::nullopt, {}, {}};
  std::tie(message, code) = source_error_of([&] { read_stream(*source_, positional); });
  EXPECT_THAT(message, AllOf(HasSubstr("positional '?'"), HasSubstr("offset 39")));

  StreamSpec bad_key{"accounts", "SELECT id, name FROM crm_accounts", "Id2", {}, {}};
  std::tie(message, code) = source_error_of([&] { read_stream(*source_, bad_key); });
  EXPECT_THAT(message, AllOf(HasSubstr("key: the query returns no column \"Id2\""), HasSubstr("(columns: id, name)")));

  StreamSpec reserved{"accounts", "SELECT id FROM crm_accounts", std::nullopt, {{"since", scalar("x")}}, {}};
  std::tie(message, code) = source_error_of([&] { read_stream(*source_, reserved); });
  EXPECT_THAT(message, HasSubstr("params.since: reserved"));

  StreamSpec not_select{"accounts", "UPDATE crm_accounts SET name = name WHERE id = -1", std::nullopt, {}, {}};
  std::tie(message, code) = source_error_of([&] { read_stream(*source_, not_select); });
  EXPECT_THAT(message, HasSubstr("returns no result set"));

  StreamSpec since_ok{"accounts", "SELECT id FROM crm_accounts WHERE modified > :since", std::nullopt, {}, {}};
  std::tie(message, code) = source_error_of([&] { read_stream(*source_, since_ok, std::string("yesterday")); });
  EXPECT_THAT(message, HasSubstr("since: \"yesterday\" is not an ISO-8601 timestamp"));
}

INSTANTIATE_TEST_SUITE_P(Drivers, OdbcErrorTest, ::testing::Values(Driver::kSqlite, Driver::kPostgres),
                         driver_param_name);

// Straight through the C ABI, so the plugin's own masking is tested, not the host's.
TEST(OdbcConnectionErrorTest, MissingDriverIsASettingsErrorWithoutThePassword) {
  const zra_source_plugin& api = odbc_plugin()->descriptor();
  char buffer[2048] = "";
  zra_error err{buffer, sizeof buffer};
  void* instance = nullptr;
  ASSERT_EQ(api.create(nullptr,
                       R"({"connection_string":"Driver=/nonexistent/libnope.so;Database=x;PWD={Hunter2;pw}"})",
                       &instance, &err),
            ZRA_OK)
      << buffer;
  EXPECT_EQ(api.check(instance, &err), ZRA_ERROR_SETTINGS);
  EXPECT_THAT(std::string(buffer), AllOf(HasSubstr("cannot connect"), HasSubstr("SQLSTATE 01000"),
                                         HasSubstr("Can't open lib '/nonexistent/libnope.so'"), Not(HasSubstr("Hunter2")), Not(HasSubstr("pw}"))));
  api.destroy(instance);
}

TEST(OdbcConnectionErrorTest, UnreachableServerIsAnIoErrorWithoutThePassword) {
  const zra_source_plugin& api = odbc_plugin()->descriptor();
  char buffer[2048] = "";
  zra_error err{buffer, sizeof buffer};
  void* instance = nullptr;
  // Port 1 on loopback: nothing listens there.
  ASSERT_EQ(api.create(nullptr,
                       R"({"connection_string":"Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=127.0.0.1;Port=1;Database=x;Uid=u",)"
                       R"("password":"S3cretPassw0rd","login_timeout_s":5})",
                       &instance, &err),
            ZRA_OK)
      << buffer;
  EXPECT_EQ(api.check(instance, &err), ZRA_ERROR_IO);
  EXPECT_THAT(std::string(buffer), AllOf(HasSubstr("cannot connect"), HasSubstr("SQLSTATE 08001"),
                                         Not(HasSubstr("S3cretPassw0rd"))));
  api.destroy(instance);
}

TEST(OdbcConnectionErrorTest, SettingsAreValidatedAtCreate) {
  const zra_source_plugin& api = odbc_plugin()->descriptor();
  char buffer[1024] = "";
  zra_error err{buffer, sizeof buffer};
  void* instance = nullptr;
  EXPECT_EQ(api.create(nullptr, R"({})", &instance, &err), ZRA_ERROR_SETTINGS);
  EXPECT_STREQ(buffer, "connection_string or dsn: one of them is required");
  EXPECT_EQ(api.create(nullptr, R"({"connection_string":"a","dsn":"b"})", &instance, &err), ZRA_ERROR_SETTINGS);
  EXPECT_STREQ(buffer, "connection_string and dsn: set one of them, not both");
  EXPECT_EQ(api.create(nullptr, R"({"dsn":"crm","login_timeout_s":-1})", &instance, &err), ZRA_ERROR_SETTINGS);
  EXPECT_STREQ(buffer, "login_timeout_s: -1 is outside 0..3600");
  EXPECT_EQ(api.create(nullptr, "not json", &instance, &err), ZRA_ERROR_SETTINGS);
  EXPECT_STREQ(buffer, "settings is not a JSON object");
  EXPECT_EQ(instance, nullptr);
}

TEST(OdbcConnectionLossTest, ConnectionLostMidReadFailsTheStreamAsIoAndTheNextStreamReconnects) {
  FixtureDatabase db(Driver::kPostgres);
  auto source = SourceInstance::create(odbc_plugin(), "erp", source_settings(db.connection_string()));
  StreamSpec spec{"numbers", "SELECT g AS n FROM generate_series(1, 200000) AS g", std::nullopt, {}, 100};
  auto reader = source->open(stream_node(spec), std::nullopt, 100);
  std::vector<SourceRow> batch;
  ASSERT_TRUE(reader->next(batch));
  ASSERT_EQ(batch.size(), 100u);
  EXPECT_EQ(batch.back().values[0], "100");

  db.execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
      "AND backend_type = 'client backend';");
  const auto [message, code] = source_error_of([&] {
    while (reader->next(batch)) {
    }
  });
  EXPECT_THAT(message, AllOf(HasSubstr("ZRA_ERROR_IO"), HasSubstr("stream numbers, after row"),
                             HasSubstr("connection lost while reading"), HasSubstr("SQLSTATE ")));
  EXPECT_EQ(code, 3);
  reader.reset();

  StreamSpec again{"accounts", "SELECT count(*) AS n FROM crm_accounts", std::nullopt, {}, {}};
  db.load_fixture();
  EXPECT_EQ(column_of(read_stream(*source, again), 0), (std::vector<std::string>{"5"}));
}

}  // namespace
}  // namespace zra::testing
