// Unit tests: source and stream settings, {since} expansion.
#include <gtest/gtest.h>

#include "plugins/rest/rest_errors.h"
#include "plugins/rest/rest_settings.h"

namespace zra::rest {
namespace {

using nlohmann::json;

// The key path and message of the SettingsError `f` throws.
template <typename F>
std::string settings_error(F&& f) {
  try {
    f();
  } catch (const SettingsError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SourceSettings, DefaultsAndBearer) {
  RestSourceSettings s = parse_source_settings(
      json{{"base_url", "https://crm.example/api"}, {"auth", {{"type", "bearer"}, {"token", "tok"}}}});
  EXPECT_EQ(s.base_url, "https://crm.example/api");
  EXPECT_EQ(s.auth.type, AuthType::Bearer);
  EXPECT_EQ(s.auth.token, "tok");
  EXPECT_EQ(s.max_retries, 5);
  EXPECT_EQ(s.timeout.count(), 60000);
  EXPECT_TRUE(s.tls_verify);
  EXPECT_EQ(s.max_pages, 100000);
  EXPECT_EQ(s.requests_per_second, 0);
}

TEST(SourceSettings, EveryAuthTypeAndNumbersFromYamlText) {
  RestSourceSettings s = parse_source_settings(json{{"base_url", "http://127.0.0.1:8080"},
                                                    {"requests_per_second", "2.5"},
                                                    {"timeout_s", "7"},
                                                    {"tls_verify", false},
                                                    {"headers", {{"X-Tenant", "acme"}, {"X-Num", 42}}},
                                                    {"auth", {{"type", "basic"}, {"username", "u"}, {"password", 1234}}}});
  EXPECT_EQ(s.requests_per_second, 2.5);
  EXPECT_EQ(s.timeout.count(), 7000);
  EXPECT_FALSE(s.tls_verify);
  EXPECT_EQ(s.auth.password, "1234");
  EXPECT_EQ(s.headers, (HttpHeaders{{"X-Num", "42"}, {"X-Tenant", "acme"}}));
  s = parse_source_settings(
      json{{"base_url", "https://x"}, {"auth", {{"type", "api_key"}, {"query", "api_key"}, {"value", "k-123"}}}});
  EXPECT_EQ(s.auth.type, AuthType::ApiKey);
  EXPECT_EQ(s.auth.query, "api_key");
  s = parse_source_settings(json{{"base_url", "https://x"},
                                 {"auth",
                                  {{"type", "oauth2_client_credentials"},
                                   {"token_url", "https://id.example/token"},
                                   {"client_id", "cid"},
                                   {"client_secret", "cs"},
                                   {"client_auth", "body"}}}});
  EXPECT_EQ(s.auth.type, AuthType::OAuth2ClientCredentials);
  EXPECT_FALSE(s.auth.client_auth_basic);
}

TEST(SourceSettings, ErrorsNameTheKey) {
  auto parse = [](json j) { return [j] { parse_source_settings(j); }; };
  EXPECT_EQ(settings_error(parse(json::object())), "base_url: required");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "http://crm.example/api"}})),
            "base_url: must be an https:// URL (http:// is accepted only for loopback addresses), got "
            "\"http://crm.example/api\"");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"auth", {{"type", "bearer"}}}})), "auth.token: required");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"auth", {{"type", "bearer"}, {"token", ""}}}})),
            "auth.token: is empty (is the environment variable set?)");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"auth", {{"type", "bearer"}, {"tokne", "t"}}}})),
            "auth.tokne: unknown key (expected one of: type, token)");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"auth", {{"type", "kerberos"}}}})),
            "auth.type: unknown auth type \"kerberos\" (expected bearer, basic, api_key, oauth2_client_credentials or none)");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"},
                                      {"auth", {{"type", "api_key"}, {"header", "X-Api-Key"}, {"query", "k"}, {"value", "v"}}}})),
            "auth: api_key needs exactly one of \"header\" (e.g. X-Api-Key) or \"query\" (e.g. api_key)");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"},
                                      {"auth",
                                       {{"type", "oauth2_client_credentials"},
                                        {"token_url", "http://id.example/token"},
                                        {"client_id", "c"},
                                        {"client_secret", "s"}}}})),
            "auth.token_url: must be an https:// URL (http:// is accepted only for loopback addresses), got "
            "\"http://id.example/token\"");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"max_retries", -1}})),
            "max_retries: must be between 0 and 100, got -1");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"requests_per_second", "fast"}})),
            "requests_per_second: must be a number, got \"fast\"");
  EXPECT_EQ(settings_error(parse(json{{"base_url", "https://x"}, {"auth", "bearer"}})), "auth: must be an object, not string");
}

TEST(StreamSettings, PaginationDefaultsPerType) {
  auto pagination = [](json p) {
    return parse_stream_settings(json{{"name", "s"}, {"path", "/c"}, {"pagination", p}}).pagination;
  };
  PaginationSpec page = pagination(json{{"type", "page"}});
  EXPECT_EQ(page.type, PaginationType::Page);
  EXPECT_EQ(page.param, "page");
  EXPECT_EQ(page.start, 1);
  EXPECT_EQ(page.size_param, "per_page");
  EXPECT_EQ(page.size, 100);
  PaginationSpec offset = pagination(json{{"type", "offset"}, {"limit", "50"}});
  EXPECT_EQ(offset.param, "offset");
  EXPECT_EQ(offset.start, 0);
  EXPECT_EQ(offset.size_param, "limit");
  EXPECT_EQ(offset.size, 50);
  PaginationSpec cursor = pagination(json{{"type", "cursor"}});
  EXPECT_EQ(cursor.pointer, "/next");
  EXPECT_EQ(cursor.param, "cursor");
  EXPECT_EQ(pagination(json{{"type", "next_url"}}).pointer, "/links/next");
  EXPECT_EQ(pagination(json{{"type", "link_header"}}).type, PaginationType::LinkHeader);
  RestStreamSettings none = parse_stream_settings(json{{"name", "s"}, {"path", "/c"}, {"object", "contact"}});
  EXPECT_EQ(none.pagination.type, PaginationType::None);
  EXPECT_EQ(none.records, "");
}

TEST(StreamSettings, ErrorsNameTheKey) {
  auto parse = [](json j) { return [j] { parse_stream_settings(j); }; };
  EXPECT_EQ(settings_error(parse(json{{"name", "s"}})), "path: required");
  EXPECT_EQ(settings_error(parse(json{{"path", "https://x/c"}})),
            "path: must be a path under base_url (such as /contacts), not a full URL");
  EXPECT_EQ(settings_error(parse(json{{"path", "/c"}, {"records", "data"}})),
            "records: must be a JSON pointer such as \"/data\" (or \"\" for the whole body), got \"data\"");
  EXPECT_EQ(settings_error(parse(json{{"path", "/c"}, {"pagination", {{"type", "pages"}}}})),
            "pagination.type: unknown pagination type \"pages\" (expected page, offset, cursor, next_url, link_header or none)");
  EXPECT_EQ(settings_error(parse(json{{"path", "/c"}, {"pagination", {{"type", "page"}, {"size", 0}}}})),
            "pagination.size: must be between 1 and 1000000, got 0");
  EXPECT_EQ(settings_error(parse(json{{"path", "/c"}, {"pagination", {{"type", "cursor"}, {"limit", 5}}}})),
            "pagination.limit: unknown key (expected one of: type, cursor, param)");
  EXPECT_EQ(settings_error(parse(json{{"path", "/c"}, {"params", {{"ids", json::array({1, 2})}}}})),
            "params.ids: must be a string, number or boolean, not array");
}

TEST(SinceExpansion, SubstitutesOrOmits) {
  json params{{"updated_since", "{since}"}, {"filter", "modified>{since}"}, {"limit", 10}, {"active", true}};
  QueryParams with = expand_params(params, std::string("2025-11-20T12:00:00Z"));
  // In name order (the host's JSON object is sorted by key).
  EXPECT_EQ(with, (QueryParams{{"active", "true"},
                               {"filter", "modified>2025-11-20T12:00:00Z"},
                               {"limit", "10"},
                               {"updated_since", "2025-11-20T12:00:00Z"}}));
  QueryParams without = expand_params(params, std::nullopt);
  EXPECT_EQ(without, (QueryParams{{"active", "true"}, {"filter", "modified>"}, {"limit", "10"}}));
  RestStreamSettings s = parse_stream_settings(
      json{{"path", "/c"}, {"since", "2025-01-01T00:00:00Z"}, {"params", {{"since", "{since}"}}}});
  EXPECT_EQ(s.params, (QueryParams{{"since", "2025-01-01T00:00:00Z"}}));
}

}  // namespace
}  // namespace zra::rest
