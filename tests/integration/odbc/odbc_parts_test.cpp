// The ODBC plugin's parts that need no database: named parameters, connection strings, since values,
// value formatting, column plans, batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "plugins/odbc/batch_builder.h"
#include "plugins/odbc/column_plan.h"
#include "plugins/odbc/connection_string.h"
#include "plugins/odbc/named_parameters.h"
#include "plugins/odbc/odbc_diagnostics.h"
#include "plugins/odbc/odbc_failure.h"
#include "plugins/odbc/odbc_settings.h"
#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {
namespace {

using Names = std::vector<std::string>;

std::string settings_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const OdbcFailure& f) {
    EXPECT_EQ(f.status(), ZRA_ERROR_SETTINGS) << f.what();
    return f.what();
  }
  ADD_FAILURE() << "expected a settings error";
  return "";
}

TEST(NamedParametersTest, RewritesNamesToMarkersInOrder) {
  const auto q = rewrite_named_parameters("SELECT * FROM t WHERE a > :since AND (b = :region OR c = :since)");
  EXPECT_EQ(q.sql, "SELECT * FROM t WHERE a > ? AND (b = ? OR c = ?)");
  EXPECT_EQ(q.parameter_names, (Names{"since", "region", "since"}));
}

TEST(NamedParametersTest, LeavesLiteralsIdentifiersCommentsAndCastsAlone) {
  const std::string sql =
      "SELECT ':a', 'it''s :b', \"col:c\", `x:d`, E'\\' :e', $$ :f $$, $tag$ :g $tag$, x::text, $1 -- :h\n"
      "/* :i /* nested :j */ :k */ FROM t WHERE y = :real";
  const auto q = rewrite_named_parameters(sql);
  EXPECT_EQ(q.parameter_names, (Names{"real"}));
  EXPECT_EQ(q.sql, sql.substr(0, sql.size() - 5) + "?");
}

TEST(NamedParametersTest, RejectsPositionalMarkersAndUnterminatedText) {
  EXPECT_EQ(settings_error([] { rewrite_named_parameters("SELECT 1 WHERE a = ?"); }),
            "query: positional '?' marker at offset 19; use named parameters (:name) with `params` instead");
  EXPECT_EQ(settings_error([] { rewrite_named_parameters("SELECT 'abc"); }),
            "query: unterminated string literal starting at offset 7");
  EXPECT_EQ(settings_error([] { rewrite_named_parameters("SELECT 1 /* open"); }),
            "query: unterminated /* comment starting at offset 9");
  EXPECT_EQ(settings_error([] { rewrite_named_parameters("SELECT $q$ x"); }),
            "query: unterminated dollar-quoted string $q$ starting at offset 7");
}

TEST(ConnectionStringTest, ParsesBracedValuesAndMasksPasswords) {
  const std::string text = "Driver={My Driver};Server=db;PWD={p;w}}d};password=two";
  const auto attrs = parse_connection_string(text);
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_EQ(attrs[0].value, "My Driver");
  EXPECT_EQ(attrs[2].value, "p;w}d");
  EXPECT_EQ(find_attribute(attrs, "server"), "db");
  EXPECT_EQ(mask_connection_string(text), "Driver=My Driver;Server=db;PWD=***;password=***");
  EXPECT_EQ(connection_string_secrets(text), (Names{"p;w}d", "two"}));
}

TEST(ConnectionStringTest, BuildsFromDsnAndAddsPostgresDefaults) {
  EXPECT_EQ(build_dsn_connection_string("crm", "sync", "a;b"), "DSN=crm;UID=sync;PWD={a;b}");
  EXPECT_EQ(build_dsn_connection_string("crm", "", ""), "DSN=crm");
  EXPECT_EQ(with_driver_defaults("Driver=/usr/lib/odbc/psqlodbcw.so;Server=x", 500),
            "Driver=/usr/lib/odbc/psqlodbcw.so;Server=x;UseDeclareFetch=1;Fetch=500");
  EXPECT_EQ(with_driver_defaults("Driver={PostgreSQL Unicode};usedeclarefetch=0", 500),
            "Driver={PostgreSQL Unicode};usedeclarefetch=0");
  EXPECT_EQ(with_driver_defaults("Driver=SQLite3;Database=a.db", 500), "Driver=SQLite3;Database=a.db;StepAPI=1");
  EXPECT_EQ(with_driver_defaults("Driver=SQLite3;stepapi=0", 500), "Driver=SQLite3;stepapi=0");
  EXPECT_EQ(with_driver_defaults("DSN=crm", 500), "DSN=crm");
}

TEST(SecretRedactorTest, HidesEverySecretLongestFirst) {
  SecretRedactor r;
  r.add("pw");
  r.add("Driver=x;PWD=pw");
  r.add("");
  EXPECT_EQ(r.redact("failed for Driver=x;PWD=pw (pw)"), "failed for *** (***)");
}

TEST(SettingsTest, SourceSettingsFromConnectionStringOrDsn) {
  auto s = parse_source_settings(R"({"dsn":"crm","user":"sync","password":"pw1","query_timeout_s":"30"})");
  EXPECT_EQ(s.connection_string, "DSN=crm;UID=sync;PWD=pw1");
  EXPECT_EQ(s.query_timeout_s, 30);
  EXPECT_FALSE(s.login_timeout_s.has_value());
  EXPECT_NE(std::find(s.secrets.begin(), s.secrets.end(), "pw1"), s.secrets.end());
  EXPECT_EQ(settings_error([] { parse_source_settings(R"({"dsn":"crm","query_timeout_s":"soon"})"); }),
            "query_timeout_s: expected an integer, got \"soon\"");
  EXPECT_EQ(settings_error([] { parse_source_settings(R"({"connection_string":5})"); }),
            "connection_string: expected a string");
}

TEST(SettingsTest, StreamSettings) {
  auto s = parse_stream_settings(
      R"({"name":"accounts","query":"SELECT 1","key":"Id","params":{"r":"EMEA","n":3,"x":1.5,"b":true,"z":null},)"
      R"("fetch_rows":250,"since":"2025-11-20T12:00:00Z"})");
  EXPECT_EQ(s.key, "Id");
  EXPECT_EQ(s.fetch_rows, 250);
  EXPECT_EQ(s.batch_rows, 250u);
  EXPECT_EQ(s.since, "2025-11-20 12:00:00");
  ASSERT_EQ(s.params.size(), 5u);  // sorted by name: b, n, r, x, z
  EXPECT_EQ(s.params[0].first, "b");
  EXPECT_EQ(s.params[0].second.kind, ParameterValue::Kind::kBoolean);
  EXPECT_EQ(s.params[0].second.integer, 1);
  EXPECT_EQ(s.params[1].second.kind, ParameterValue::Kind::kInteger);
  EXPECT_EQ(s.params[1].second.integer, 3);
  EXPECT_EQ(s.params[2].second.kind, ParameterValue::Kind::kText);
  EXPECT_EQ(s.params[2].second.text, "EMEA");
  EXPECT_EQ(s.params[3].second.real, 1.5);
  EXPECT_EQ(s.params[4].second.kind, ParameterValue::Kind::kNull);
  EXPECT_EQ(settings_error([] { parse_stream_settings(R"({"name":"a"})"); }),
            "stream a: query: required and must not be empty");
  EXPECT_EQ(settings_error([] { parse_stream_settings(R"({"name":"a","query":"x","fetch_rows":0})"); }),
            "fetch_rows: 0 is outside 1..100000");
  EXPECT_EQ(settings_error([] { parse_stream_settings(R"({"name":"a","query":"x","params":{"p":[1]}})"); }),
            "params.p: expected a string, number, boolean or null");
}

TEST(SinceTest, NormalizesIsoToUtcText) {
  EXPECT_EQ(normalize_since("2025-11-20T12:00:00Z"), "2025-11-20 12:00:00");
  EXPECT_EQ(normalize_since("2025-11-20T12:00:00.123Z"), "2025-11-20 12:00:00.123");
  EXPECT_EQ(normalize_since("2025-11-20 12:00:00"), "2025-11-20 12:00:00");
  EXPECT_EQ(normalize_since("2025-01-01T01:30:00+02:00"), "2024-12-31 23:30:00");
  EXPECT_EQ(normalize_since("2024-02-28T23:00:00-01:30"), "2024-02-29 00:30:00");
  EXPECT_EQ(settings_error([] { normalize_since("2025-11-20"); }),
            "since: \"2025-11-20\" is not an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM])");
  EXPECT_FALSE(settings_error([] { normalize_since("2025-13-20T00:00:00Z"); }).empty());
  EXPECT_FALSE(settings_error([] { normalize_since("2025-11-20T00:00:00+0200"); }).empty());
}

TEST(ColumnPlanTest, BindsExactTypesAsTextAndFormatsTheRest) {
  EXPECT_EQ(plan_column("n", SQL_DECIMAL, 38).c_type, SQL_C_CHAR);
  EXPECT_EQ(plan_column("n", SQL_DECIMAL, 38).bound_bytes, 38 * 4 + 3);
  EXPECT_EQ(plan_column("t", SQL_LONGVARCHAR, 65536).bound_bytes, kLongColumnBoundBytes);
  EXPECT_EQ(plan_column("t", SQL_VARCHAR, 0).bound_bytes, kLongColumnBoundBytes);
  EXPECT_EQ(plan_column("t", SQL_VARCHAR, 100000).bound_bytes, kMaxColumnBoundBytes);
  EXPECT_EQ(plan_column("d", SQL_FLOAT, 17).c_type, SQL_C_DOUBLE);
  EXPECT_EQ(plan_column("r", SQL_REAL, 7).c_type, SQL_C_FLOAT);
  EXPECT_EQ(plan_column("ts", SQL_TYPE_TIMESTAMP, 26).c_type, SQL_C_TYPE_TIMESTAMP);

  std::string out;
  double d = 0.1 + 0.2;
  format_typed_value(SQL_C_DOUBLE, &d, out);
  EXPECT_EQ(out, "0.30000000000000004");
  out.clear();
  float f = 1.1f;
  format_typed_value(SQL_C_FLOAT, &f, out);
  EXPECT_EQ(out, "1.1");
  SQL_TIMESTAMP_STRUCT ts{2024, 2, 29, 23, 59, 58, 0};
  const std::pair<SQLUINTEGER, const char*> fractions[] = {
      {0, "2024-02-29 23:59:58"}, {500000000, "2024-02-29 23:59:58.500"},
      {123456000, "2024-02-29 23:59:58.123456"}, {1, "2024-02-29 23:59:58.000000001"}};
  for (const auto& [fraction, text] : fractions) {
    ts.fraction = fraction;
    out.clear();
    format_typed_value(SQL_C_TYPE_TIMESTAMP, &ts, out);
    EXPECT_EQ(out, text);
  }
  SQL_DATE_STRUCT date{7, 1, 2};
  out.clear();
  format_typed_value(SQL_C_TYPE_DATE, &date, out);
  EXPECT_EQ(out, "0007-01-02");
}

TEST(BatchBuilderTest, BuildsRowsWithNullsErrorsAndLongValues) {
  BatchBuilder b({"id", "name"});
  b.start_row();
  b.add_value("1", 1);
  b.add_value("ab", 2);
  b.append_to_last("cd", 2);
  EXPECT_EQ(b.current_value(1), "abcd");
  b.finish_row("s row 1");
  b.start_row();
  b.add_value("2", 1);
  b.add_null();
  b.set_row_error("bad");
  b.finish_row("s row 2");
  const zra_batch* batch = b.finish();
  ASSERT_EQ(batch->n_rows, 2u);
  ASSERT_EQ(batch->n_columns, 2u);
  EXPECT_STREQ(batch->column_names[1], "name");
  EXPECT_EQ(std::string(batch->rows[0].values[1].data, batch->rows[0].values[1].size), "abcd");
  EXPECT_EQ(batch->rows[0].error, nullptr);
  EXPECT_EQ(batch->rows[1].values[1].data, nullptr);
  EXPECT_STREQ(batch->rows[1].error, "bad");
  EXPECT_STREQ(batch->rows[1].locator, "s row 2");
  b.clear();
  EXPECT_EQ(b.finish()->n_rows, 0u);
}

TEST(DiagnosticsTest, ClassifiesConnectionSyntaxAndOtherFailures) {
  using R = std::vector<DiagnosticRecord>;
  EXPECT_EQ(classify_failure(R{{"08S01", 0, "lost"}}, CallPhase::kFetch), ZRA_ERROR_IO);
  EXPECT_EQ(classify_failure(R{{"HYT00", 0, "timeout"}}, CallPhase::kExecute), ZRA_ERROR_IO);
  EXPECT_EQ(classify_failure(R{{"IM002", 0, "no dsn"}}, CallPhase::kConnect), ZRA_ERROR_SETTINGS);
  EXPECT_EQ(classify_failure(R{{"01000", 0, "Can't open lib"}}, CallPhase::kConnect), ZRA_ERROR_SETTINGS);
  EXPECT_EQ(classify_failure(R{{"28P01", 0, "auth"}}, CallPhase::kConnect), ZRA_ERROR_IO);
  EXPECT_EQ(classify_failure(R{{"42601", 0, "syntax"}}, CallPhase::kExecute), ZRA_ERROR_SETTINGS);
  EXPECT_EQ(classify_failure(R{{"42601", 0, "syntax"}}, CallPhase::kFetch), ZRA_ERROR);
  EXPECT_EQ(classify_failure(R{{"22012", 0, "division by zero"}}, CallPhase::kExecute), ZRA_ERROR);
  EXPECT_EQ(format_diagnostics(R{{"42601", 7, "bad"}, {"01000", 0, "more"}}),
            "SQLSTATE 42601 (native 7): bad; SQLSTATE 01000 (native 0): more");
}

}  // namespace
}  // namespace zra::odbc
