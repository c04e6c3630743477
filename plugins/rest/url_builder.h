#pragma once
// URL assembly for the REST plugin: base_url + path, query parameters, and resolving a server's
// "next" reference (absolute, absolute-path or relative) against the URL of the page that named it.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zra::rest {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct UrlParts {
  std::string scheme;     // lower case: "https"
  std::string authority;  // "crm.example:8443" (lower case)
  std::string path;       // "/api/contacts" ("" allowed)
  std::string query;      // without '?'
};

// Splits an absolute http(s) URL. Throws std::invalid_argument when `url` has no scheme or host.
UrlParts split_url(std::string_view url);
// scheme://authority of an absolute URL.
std::string url_origin(std::string_view url);

// base_url + path with exactly one '/' between them ("https://x/api" + "contacts" -> "https://x/api/contacts").
std::string join_url(std::string_view base_url, std::string_view path);

// Appends `params` (names and values percent-encoded) to `url`, after any query it has.
std::string append_query(std::string url, const QueryParams& params);

// Replaces every `name=...` of url's query by `name=value` (appended when absent).
std::string set_query_param(const std::string& url, const std::string& name, const std::string& value);

// Resolves a reference from a response against `base` (RFC 3986 section 5.2, with dot segments removed).
// Throws std::invalid_argument naming `reference` when it has a scheme but no "//host" ("https:/x",
// "mailto:a@b": nothing to fetch) or a ':' in its first segment that is no scheme ("1a:b").
std::string resolve_url(std::string_view base, std::string_view reference);

}  // namespace zra::rest
