#pragma once
// The REST plugin's settings, parsed and checked from the JSON the host passes to create() and open().
// Every problem throws SettingsError naming the key path ("auth.client_secret", "pagination.type").
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/http/http_transport.h"
#include "plugins/rest/url_builder.h"

namespace zra::rest {

enum class AuthType { None, Bearer, Basic, ApiKey, OAuth2ClientCredentials };

struct AuthSpec {
  AuthType type = AuthType::None;
  std::string token;                     // bearer
  std::string username, password;        // basic
  std::string header, query, value;      // api_key: exactly one of header / query
  std::string token_url, client_id, client_secret, scope;  // oauth2_client_credentials
  bool client_auth_basic = true;         // oauth2: client credentials as HTTP Basic (else in the form body)
};

struct RestSourceSettings {
  std::string base_url;
  AuthSpec auth;
  HttpHeaders headers;
  double requests_per_second = 0;  // 0: no limit
  int max_retries = 5;
  std::chrono::milliseconds timeout{60000};
  bool tls_verify = true;
  long max_pages = 100000;
  std::chrono::milliseconds backoff_initial{500};
};

enum class PaginationType { None, Page, Offset, Cursor, NextUrl, LinkHeader };

struct PaginationSpec {
  PaginationType type = PaginationType::None;
  std::string param;       // page: "page"; offset: "offset"; cursor: "cursor"
  long start = 1;          // page: first page number
  std::string size_param;  // page: "per_page"; offset: "limit" ("" sends none)
  long size = 100;         // page: size; offset: limit
  std::string pointer;     // cursor: "/next"; next_url: "/links/next"
};

struct RestStreamSettings {
  std::string name;
  std::string path;
  QueryParams params;                  // {since} already substituted
  std::string records;                 // JSON pointer; "" = the body is the array
  PaginationSpec pagination;
  std::optional<std::string> since;
  size_t batch_rows = 0;               // host hint; 0 = none
};

// Parses create()'s settings. Throws SettingsError.
RestSourceSettings parse_source_settings(const nlohmann::json& settings);

// Parses open()'s stream definition (keys the plugin does not own, like "object" or "mapping", are
// ignored: the host validated them). Throws SettingsError.
RestStreamSettings parse_stream_settings(const nlohmann::json& stream);

// Expands `params` (a JSON object of scalars) for one run: "{since}" inside a value is replaced by
// `since` (the whole value is percent-encoded later, once); a value that is exactly "{since}" is left
// out when there is no since, and other occurrences become "". Throws SettingsError("params.<name>").
QueryParams expand_params(const nlohmann::json& params, const std::optional<std::string>& since);

// Name of an auth type as written in the config ("oauth2_client_credentials").
const char* auth_type_name(AuthType type);

}  // namespace zra::rest
