// librest.so end to end: loaded by the real PluginHost, configured from YAML like a user's sync.yaml,
// reading the fake CRM on loopback through the real cpprest transport. Rows, columns and locators are
// asserted exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "config/yaml_reader.h"
#include "core/common/log.h"
#include "core/plugin_host/plugin_host.h"
#include "tests/integration/rest/fake_crm_server.h"

namespace zra {
namespace {

using ::testing::HasSubstr;
using rest_test::FakeCrmServer;
using Values = std::vector<std::optional<std::string>>;

// The host's wording of a failed plugin call, around the plugin's own message (asserted exactly).
std::string failed(const std::string& fn, const std::string& status, const std::string& detail, bool stream = true) {
  return std::string("source 'crm-api' (plugin 'rest')") + (stream ? ", stream 'contacts'" : "") + ": " + fn +
         "() failed (" + status + "): " + detail;
}

const EnvLookup kNoEnv = [](const std::string&) { return std::optional<std::string>(); };

ConfigNode yaml(const std::string& text, const std::string& key_path) {
  return parse_config_text(text, "/etc/zra/sync.yaml", kNoEnv, key_path);
}

class RestPluginTest : public ::testing::Test {
 protected:
  FakeCrmServer server;
  PluginHost host{{ZRA_PLUGIN_DIR}};

  // A source with base_url pointing at the fake CRM plus `extra` settings (YAML flow-map entries).
  std::unique_ptr<SourceInstance> source(const std::string& extra = "") {
    std::string text = "{ base_url: \"" + server.origin() + "/api\", backoff_initial_ms: 1" +
                       (extra.empty() ? "" : ", " + extra) + " }";
    return SourceInstance::create(host.load("rest"), "crm-api", yaml(text, "sources[0].settings"));
  }
  // Every row of one stream (YAML flow-map of the stream's keys besides name and object).
  std::vector<SourceRow> read(SourceInstance& src, const std::string& stream,
                              const std::optional<std::string>& since = std::nullopt) {
    auto reader = src.open(yaml("{ name: contacts, object: contact, " + stream + " }", "sources[0].streams[0]"),
                           since, 1000);
    std::vector<SourceRow> all, batch;
    while (reader->next(batch)) all.insert(all.end(), batch.begin(), batch.end());
    return all;
  }
  std::string read_error(SourceInstance& src, const std::string& stream, size_t* rows_read = nullptr) {
    try {
      size_t n = 0;
      auto reader = src.open(yaml("{ name: contacts, object: contact, " + stream + " }", "sources[0].streams[0]"),
                             std::nullopt, 1000);
      std::vector<SourceRow> batch;
      try {
        while (reader->next(batch)) n += batch.size();
      } catch (...) {
        if (rows_read) *rows_read = n;
        throw;
      }
    } catch (const std::exception& e) {
      return e.what();
    }
    return "<no error>";
  }
  static std::string value(const SourceRow& row, const std::string& column) {
    const auto& cols = *row.columns;
    auto it = std::find(cols.begin(), cols.end(), column);
    if (it == cols.end()) return "<no column " + column + ">";
    const auto& v = row.values[static_cast<size_t>(it - cols.begin())];
    return v ? *v : "<NULL>";
  }
  static std::vector<std::string> ids(const std::vector<SourceRow>& rows) {
    std::vector<std::string> out;
    for (const SourceRow& r : rows) out.push_back(value(r, "id"));
    return out;
  }
  static std::vector<std::string> locators(const std::vector<SourceRow>& rows) {
    std::vector<std::string> out;
    for (const SourceRow& r : rows) out.push_back(r.locator);
    return out;
  }
  const std::vector<std::string> all_ids{"c1", "c2", "c3", "c4", "c5"};
};

TEST_F(RestPluginTest, PagePaginationWithColumnsAndLocators) {
  auto src = source("auth: { type: bearer, token: bearer-token-1 }");
  auto rows = read(*src, "path: /page/contacts, records: /data, pagination: { type: page, size: 2 }");
  ASSERT_EQ(ids(rows), all_ids);
  EXPECT_EQ(locators(rows), (std::vector<std::string>{"GET /page/contacts page 1 item 1", "GET /page/contacts page 1 item 2",
                                                       "GET /page/contacts page 2 item 1", "GET /page/contacts page 2 item 2",
                                                       "GET /page/contacts page 3 item 1"}));
  EXPECT_EQ(*rows[0].columns, (std::vector<std::string>{"id", "name", "owner.email", "owner.name", "tags", "active",
                                                         "deleted_at"}));
  EXPECT_EQ(rows[0].values, (Values{"c1", "Contact 1", "owner1@crm.test", "Owner 1", "vip;region-1", "true", std::nullopt}));
  // c3 has no owner: its page's columns are the union, and its own owner cells are NULL.
  EXPECT_EQ(*rows[2].columns, (std::vector<std::string>{"id", "name", "tags", "active", "deleted_at", "owner.email",
                                                         "owner.name"}));
  EXPECT_EQ(value(rows[2], "owner.email"), "<NULL>");
  EXPECT_EQ(value(rows[3], "owner.email"), "owner4@crm.test");
  EXPECT_EQ(server.targets(), (std::vector<std::string>{"/api/page/contacts?page=1&per_page=2",
                                                         "/api/page/contacts?page=2&per_page=2",
                                                         "/api/page/contacts?page=3&per_page=2",
                                                         "/api/page/contacts?page=4&per_page=2"}));
}

TEST_F(RestPluginTest, OffsetCursorNextUrlAndLinkHeader) {
  auto src = source();
  EXPECT_EQ(ids(read(*src, "path: /offset/contacts, pagination: { type: offset, limit: 2 }")), all_ids);
  EXPECT_EQ(server.count("/api/offset/contacts"), 4u);

  auto cursor = read(*src, "path: /cursor/contacts, records: /data, pagination: { type: cursor, cursor: /paging/next }");
  EXPECT_EQ(ids(cursor), all_ids);
  EXPECT_EQ(cursor[4].locator, "GET /cursor/contacts page 3 item 1");
  EXPECT_EQ(server.count("/api/cursor/contacts?cursor=pos-4"), 1u);

  auto next = read(*src, "path: /next/contacts, records: /data, pagination: { type: next_url, next: /links/next }");
  EXPECT_EQ(ids(next), all_ids);
  EXPECT_EQ(server.count("/api/next/contacts?after=4"), 1u);

  auto link = read(*src, "path: /link/contacts, pagination: { type: link_header }");
  EXPECT_EQ(ids(link), all_ids);
  EXPECT_EQ(link[4].locator, "GET /link/contacts page 3 item 1");
  EXPECT_EQ(server.count("/api/link/contacts"), 3u);
}

TEST_F(RestPluginTest, EveryAuthTypeAndItsRefusal) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bearer", "auth: { type: bearer, token: bearer-token-1 }"},
      {"basic", "auth: { type: basic, username: sync-user, password: \"pa55:word!\" }"},
      {"apikey-header", "auth: { type: api_key, header: X-Api-Key, value: key-0123456789 }"},
      {"apikey-query", "auth: { type: api_key, query: api_key, value: key-0123456789 }"},
      {"oauth", "auth: { type: oauth2_client_credentials, token_url: \"" + server.origin() +
                    "/oauth/token\", client_id: client-1, client_secret: client-secret-1, scope: read }"}};
  for (const auto& [kind, auth] : cases) {
    auto src = source(auth);
    EXPECT_EQ(ids(read(*src, "path: /auth/" + kind + "/contacts")), (std::vector<std::string>{"c1", "c2"})) << kind;
    std::string message = read_error(*source(), "path: /auth/" + kind + "/contacts");
    EXPECT_EQ(message, failed("next_batch", "ZRA_ERROR",
                              "GET " + server.origin() + "/api/auth/" + kind +
                                  "/contacts (page 1) failed: HTTP 401 (the credentials were refused): "
                                  "{\"code\":401,\"message\":\"invalid credentials\"}"))
        << kind;
  }
  // Wrong secrets: refused, and the secret is not in the message.
  std::string wrong = read_error(*source("auth: { type: bearer, token: not-the-token }"), "path: /auth/bearer/contacts");
  EXPECT_THAT(wrong, HasSubstr("HTTP 401"));
  EXPECT_EQ(wrong.find("not-the-token"), std::string::npos);
  std::string bad_client = read_error(
      *source("auth: { type: oauth2_client_credentials, token_url: \"" + server.origin() +
              "/oauth/token\", client_id: client-1, client_secret: wrong-secret-1 }"),
      "path: /auth/oauth/contacts");
  EXPECT_THAT(bad_client, HasSubstr("OAuth2 token request to " + server.origin() +
                                    "/oauth/token failed: HTTP 401 (check client_id, client_secret and scope): "
                                    "{\"error\":\"invalid_client\"}"));
  EXPECT_EQ(bad_client.find("wrong-secret-1"), std::string::npos);
}

TEST_F(RestPluginTest, OAuthTokenIsReusedAndRefreshedOnceAfterA401) {
  auto src = source("auth: { type: oauth2_client_credentials, token_url: \"" + server.origin() +
                    "/oauth/token\", client_id: client-1, client_secret: client-secret-1 }");
  EXPECT_EQ(read(*src, "path: /auth/oauth/contacts").size(), 2u);
  EXPECT_EQ(read(*src, "path: /auth/oauth/contacts").size(), 2u);
  EXPECT_EQ(server.tokens_issued(), 1);
  server.revoke_tokens();
  EXPECT_EQ(read(*src, "path: /auth/oauth/contacts").size(), 2u);
  EXPECT_EQ(server.tokens_issued(), 2);
  EXPECT_EQ(server.count("/api/auth/oauth/contacts"), 4u);  // 2 + 1 refused + 1 retried
}

TEST_F(RestPluginTest, RetriesA429AndA500ThenSucceeds) {
  auto src = source();
  EXPECT_EQ(ids(read(*src, "path: /flaky429/contacts")), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(server.count("/api/flaky429/contacts"), 2u);
  EXPECT_EQ(ids(read(*src, "path: /flaky500/contacts")), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(server.count("/api/flaky500/contacts"), 2u);
}

TEST_F(RestPluginTest, ServerDownFailsAfterRetriesWithStatusAndBody) {
  auto src = source("max_retries: 2");
  EXPECT_EQ(read_error(*src, "path: /down/contacts"),
            failed("next_batch", "ZRA_ERROR_IO",
                   "GET " + server.origin() + "/api/down/contacts (page 1) failed after 3 attempts: HTTP 503: "
                   "{\"code\":503,\"message\":\"down for maintenance\"}"));
  EXPECT_EQ(server.count("/api/down/contacts"), 3u);
}

TEST_F(RestPluginTest, MalformedPageFailsNamingPageAndUrlWithoutTheKey) {
  auto src = source("auth: { type: api_key, query: api_key, value: key-0123456789 }");
  size_t rows = 0;
  std::string message = read_error(*src, "path: /malformed/contacts, records: /data, pagination: { type: page, size_param: \"\" }", &rows);
  EXPECT_EQ(rows, 2u);
  EXPECT_EQ(message, failed("next_batch", "ZRA_ERROR",
                            "page 2 (GET " + server.origin() +
                                "/api/malformed/contacts?page=2): the response is not JSON: invalid JSON at byte 1: "
                                "parse error at line 1, column 1: syntax error while parsing value - invalid literal; "
                                "last read: '<'; it starts with: <html><body>502 Bad Gateway</body></html>"));
  EXPECT_EQ(message.find("key-0123456789"), std::string::npos);
  EXPECT_EQ(server.count("/api/malformed/contacts?page=2&api_key=key-0123456789"), 1u);
}

TEST_F(RestPluginTest, CursorLoopFailsNamingTheRepeatedCursor) {
  auto src = source();
  size_t rows = 0;
  EXPECT_EQ(read_error(*src, "path: /loop/contacts, records: /data, pagination: { type: cursor }", &rows),
            failed("next_batch", "ZRA_ERROR",
                   "stream /loop/contacts: pagination (cursor) after page 2: the server returned the cursor "
                   "\"cursor-that-never-changes\" a second time; stopping instead of looping forever"));
  EXPECT_EQ(rows, 2u);
  EXPECT_EQ(server.count("/api/loop/contacts"), 2u);
}

TEST_F(RestPluginTest, NestedRecordsFlattenExactly) {
  auto src = source();
  auto rows = read(*src, "path: /nested/records, records: /result/items");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(*rows[0].columns,
            (std::vector<std::string>{"id", "amount", "owner.email", "owner.address.city", "tags", "lines", "won", "lost",
                                      "closed_at", "meta", "notes"}));
  EXPECT_EQ(rows[0].values, (Values{"d1", "12345678901234567890.10", "a@crm.test", "Lyon", "x;y", R"([{"sku":"A","qty":2}])",
                                    "true", "false", std::nullopt, "{}", std::nullopt}));
  EXPECT_EQ(rows[1].values, (Values{"d2", "0.1", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                    std::nullopt, std::nullopt, std::nullopt, "multi\nline \"quoted\" é"}));
  EXPECT_EQ(rows[1].locator, "GET /nested/records page 1 item 2");
}

TEST_F(RestPluginTest, SinceIsSubstitutedOrOmitted) {
  auto src = source();
  const std::string stream = "path: /echo/contacts, params: { updated_since: \"{since}\", status: active }";
  read(*src, stream, std::string("2025-11-20T12:00:00Z"));
  read(*src, stream);
  EXPECT_EQ(server.targets(), (std::vector<std::string>{"/api/echo/contacts?status=active&updated_since=2025-11-20T12%3A00%3A00Z",
                                                         "/api/echo/contacts?status=active"}));
}

TEST_F(RestPluginTest, SettingsErrorsNameTheKey) {
  auto create = [&](const std::string& text) {
    try {
      SourceInstance::create(host.load("rest"), "crm-api", yaml(text, "sources[0].settings"));
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), kExitUsage) << e.what();
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  EXPECT_EQ(create("{ base_url: \"http://crm.example/api\" }"),
            failed("create", "ZRA_ERROR_SETTINGS",
                   "base_url: must be an https:// URL (http:// is accepted only for loopback addresses), got "
                   "\"http://crm.example/api\"",
                   false));
  EXPECT_EQ(create("{ base_url: \"https://crm.example/api\", auth: { type: bearer, tokn: abc } }"),
            failed("create", "ZRA_ERROR_SETTINGS", "auth.tokn: unknown key (expected one of: type, token)", false));
  EXPECT_THAT(create("{ base_url: \"https://crm.example/api\", retries: 3 }"), HasSubstr("unknown setting 'retries'"));
  auto src = source();
  EXPECT_EQ(read_error(*src, "path: /c, pagination: { type: cursor, cursor: next }"),
            failed("open", "ZRA_ERROR_SETTINGS",
                   "pagination.cursor: must be a JSON pointer such as \"/data\" (or \"\" for the whole body), got "
                   "\"next\""));
}

TEST_F(RestPluginTest, CheckReachesTheServerAndReportsAConnectionFailure) {
  EXPECT_NO_THROW(source("auth: { type: bearer, token: bearer-token-1 }")->check());
  auto closed = SourceInstance::create(host.load("rest"), "crm-api",
                                       yaml("{ base_url: \"http://127.0.0.1:1/api\", max_retries: 0 }", "s"));
  try {
    closed->check();
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("check() failed (ZRA_ERROR_IO): GET http://127.0.0.1:1/api got no answer: "));
  }
}

TEST_F(RestPluginTest, TlsVerifyOffIsWarnedThroughTheHostLog) {
  std::ostringstream log;
  configure_logging(LogOptions{}, &log);
  auto src = source("tls_verify: false, auth: { type: bearer, token: bearer-token-1 }");
  EXPECT_EQ(read(*src, "path: /auth/bearer/contacts").size(), 2u);
  configure_logging(LogOptions{});
  EXPECT_THAT(log.str(), HasSubstr("rest: tls_verify is false: TLS certificates of " + server.origin() +
                                   " are NOT verified"));
  EXPECT_EQ(log.str().find("bearer-token-1"), std::string::npos);
}

}  // namespace
}  // namespace zra
