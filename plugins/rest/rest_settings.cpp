#include "plugins/rest/rest_settings.h"

#include <cmath>
#include <initializer_list>

#include "plugins/rest/rest_errors.h"

namespace zra::rest {
namespace {

using nlohmann::json;

std::string join_key(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// Rejects keys outside `allowed`, naming the first unknown one and the known ones.
void check_keys(const json& object, const std::string& prefix, std::initializer_list<const char*> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw SettingsError(join_key(prefix, it.key()), "unknown key (expected one of: " + list + ")");
    }
  }
}

std::string number_text(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json(d).dump();
}

const json* find(const json& object, const char* key) {
  auto it = object.find(key);
  return (it == object.end() || it->is_null()) ? nullptr : &*it;
}

std::string get_string(const json& object, const std::string& prefix, const char* key, bool required,
                       const std::string& fallback = "") {
  const json* v = find(object, key);
  if (v == nullptr) {
    if (required) throw SettingsError(join_key(prefix, key), "required");
    return fallback;
  }
  // The host turns unquoted YAML scalars inside OBJECT settings into numbers and booleans: take them back.
  if (v->is_number() || v->is_boolean()) return v->dump();
  if (!v->is_string()) throw SettingsError(join_key(prefix, key), std::string("must be a string, not ") + v->type_name());
  return v->get<std::string>();
}

// Numbers may arrive as JSON numbers or as text (YAML scalars inside OBJECT settings).
double get_number(const json& object, const std::string& prefix, const char* key, double fallback, double min,
                  double max) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  double d = 0;
  if (v->is_number()) {
    d = v->get<double>();
  } else if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    size_t used = 0;
    try {
      d = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (s.empty() || used != s.size()) throw SettingsError(join_key(prefix, key), "must be a number, got \"" + s + "\"");
  } else {
    throw SettingsError(join_key(prefix, key), std::string("must be a number, not ") + v->type_name());
  }
  if (!std::isfinite(d) || d < min || d > max) {
    throw SettingsError(join_key(prefix, key),
                        "must be between " + number_text(min) + " and " + number_text(max) + ", got " + number_text(d));
  }
  return d;
}

long get_integer(const json& object, const std::string& prefix, const char* key, long fallback, long min, long max) {
  double d = get_number(object, prefix, key, static_cast<double>(fallback), static_cast<double>(min),
                        static_cast<double>(max));
  if (d != std::floor(d)) throw SettingsError(join_key(prefix, key), "must be a whole number, got " + number_text(d));
  return static_cast<long>(d);
}

bool get_bool(const json& object, const std::string& prefix, const char* key, bool fallback) {
  const json* v = find(object, key);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
  throw SettingsError(join_key(prefix, key), "must be true or false, got " + v->dump());
}

const json& require_object(const json& value, const std::string& key) {
  if (!value.is_object()) throw SettingsError(key, std::string("must be an object, not ") + value.type_name());
  return value;
}

// Accepts https://, or http:// to a loopback address (the sandbox, tests).
void check_url(const std::string& url, const std::string& key) {
  try {
    UrlParts parts = split_url(url);
    if (parts.scheme == "https") return;
    if (parts.scheme == "http" && is_loopback_url(url)) return;
  } catch (const std::invalid_argument& e) {
    throw SettingsError(key, e.what());
  }
  throw SettingsError(key, "must be an https:// URL (http:// is accepted only for loopback addresses), got \"" +
                               url + "\"");
}

void check_pointer(const std::string& pointer, const std::string& key) {
  try {
    (void)nlohmann::json::json_pointer(pointer);
  } catch (const nlohmann::json::exception&) {
    throw SettingsError(key, "must be a JSON pointer such as \"/data\" (or \"\" for the whole body), got \"" +
                                 pointer + "\"");
  }
}

AuthSpec parse_auth(const json& node) {
  const std::string p = "auth";
  require_object(node, p);
  AuthSpec a;
  std::string type = get_string(node, p, "type", true);
  if (type == "bearer") {
    check_keys(node, p, {"type", "token"});
    a.type = AuthType::Bearer;
    a.token = get_string(node, p, "token", true);
    if (a.token.empty()) throw SettingsError("auth.token", "is empty (is the environment variable set?)");
  } else if (type == "basic") {
    check_keys(node, p, {"type", "username", "password"});
    a.type = AuthType::Basic;
    a.username = get_string(node, p, "username", true);
    a.password = get_string(node, p, "password", true);
    if (a.username.find(':') != std::string::npos) throw SettingsError("auth.username", "must not contain ':'");
  } else if (type == "api_key") {
    check_keys(node, p, {"type", "header", "query", "value"});
    a.type = AuthType::ApiKey;
    a.header = get_string(node, p, "header", false);
    a.query = get_string(node, p, "query", false);
    a.value = get_string(node, p, "value", true);
    if (a.header.empty() == a.query.empty()) {
      throw SettingsError("auth", "api_key needs exactly one of \"header\" (e.g. X-Api-Key) or \"query\" (e.g. api_key)");
    }
    if (a.value.empty()) throw SettingsError("auth.value", "is empty (is the environment variable set?)");
  } else if (type == "oauth2_client_credentials") {
    check_keys(node, p, {"type", "token_url", "client_id", "client_secret", "scope", "client_auth"});
    a.type = AuthType::OAuth2ClientCredentials;
    a.token_url = get_string(node, p, "token_url", true);
    check_url(a.token_url, "auth.token_url");
    a.client_id = get_string(node, p, "client_id", true);
    a.client_secret = get_string(node, p, "client_secret", true);
    a.scope = get_string(node, p, "scope", false);
    std::string client_auth = get_string(node, p, "client_auth", false, "basic");
    if (client_auth != "basic" && client_auth != "body") {
      throw SettingsError("auth.client_auth", "must be \"basic\" or \"body\", got \"" + client_auth + "\"");
    }
    a.client_auth_basic = client_auth == "basic";
  } else if (type == "none") {
    check_keys(node, p, {"type"});
  } else {
    throw SettingsError("auth.type", "unknown auth type \"" + type +
                                         "\" (expected bearer, basic, api_key, oauth2_client_credentials or none)");
  }
  return a;
}

PaginationSpec parse_pagination(const json& node) {
  const std::string p = "pagination";
  require_object(node, p);
  PaginationSpec s;
  std::string type = get_string(node, p, "type", true);
  if (type == "none") {
    check_keys(node, p, {"type"});
  } else if (type == "page") {
    check_keys(node, p, {"type", "param", "start", "size_param", "size"});
    s.type = PaginationType::Page;
    s.param = get_string(node, p, "param", false, "page");
    s.start = get_integer(node, p, "start", 1, 0, 1000000000L);
    s.size_param = get_string(node, p, "size_param", false, "per_page");
    s.size = get_integer(node, p, "size", 100, 1, 1000000);
  } else if (type == "offset") {
    check_keys(node, p, {"type", "param", "limit_param", "limit"});
    s.type = PaginationType::Offset;
    s.param = get_string(node, p, "param", false, "offset");
    s.start = 0;
    s.size_param = get_string(node, p, "limit_param", false, "limit");
    s.size = get_integer(node, p, "limit", 100, 1, 1000000);
  } else if (type == "cursor") {
    check_keys(node, p, {"type", "cursor", "param"});
    s.type = PaginationType::Cursor;
    s.pointer = get_string(node, p, "cursor", false, "/next");
    check_pointer(s.pointer, "pagination.cursor");
    s.param = get_string(node, p, "param", false, "cursor");
  } else if (type == "next_url") {
    check_keys(node, p, {"type", "next"});
    s.type = PaginationType::NextUrl;
    s.pointer = get_string(node, p, "next", false, "/links/next");
    check_pointer(s.pointer, "pagination.next");
  } else if (type == "link_header") {
    check_keys(node, p, {"type"});
    s.type = PaginationType::LinkHeader;
  } else {
    throw SettingsError("pagination.type", "unknown pagination type \"" + type +
                                               "\" (expected page, offset, cursor, next_url, link_header or none)");
  }
  if ((s.type == PaginationType::Page || s.type == PaginationType::Offset || s.type == PaginationType::Cursor) &&
      s.param.empty()) {
    throw SettingsError("pagination.param", "must not be empty");
  }
  return s;
}

}  // namespace

const char* auth_type_name(AuthType type) {
  switch (type) {
    case AuthType::None: return "none";
    case AuthType::Bearer: return "bearer";
    case AuthType::Basic: return "basic";
    case AuthType::ApiKey: return "api_key";
    case AuthType::OAuth2ClientCredentials: return "oauth2_client_credentials";
  }
  return "?";
}

RestSourceSettings parse_source_settings(const json& settings) {
  if (!settings.is_object()) throw SettingsError("settings", "must be an object");
  RestSourceSettings s;
  s.base_url = get_string(settings, "", "base_url", true);
  check_url(s.base_url, "base_url");
  if (const json* auth = find(settings, "auth")) s.auth = parse_auth(*auth);
  if (const json* headers = find(settings, "headers")) {
    require_object(*headers, "headers");
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      s.headers.emplace_back(it.key(), get_string(*headers, "headers", it.key().c_str(), true));
    }
  }
  s.requests_per_second = get_number(settings, "", "requests_per_second", 0, 0, 100000);
  s.max_retries = static_cast<int>(get_integer(settings, "", "max_retries", 5, 0, 100));
  s.timeout = std::chrono::milliseconds(get_integer(settings, "", "timeout_s", 60, 1, 86400) * 1000);
  s.tls_verify = get_bool(settings, "", "tls_verify", true);
  s.max_pages = get_integer(settings, "", "max_pages", 100000, 1, 1000000000L);
  s.backoff_initial = std::chrono::milliseconds(get_integer(settings, "", "backoff_initial_ms", 500, 0, 600000));
  return s;
}

QueryParams expand_params(const json& params, const std::optional<std::string>& since) {
  require_object(params, "params");
  QueryParams out;
  static const std::string kSince = "{since}";
  for (auto it = params.begin(); it != params.end(); ++it) {
    const json& v = it.value();
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number() || v.is_boolean()) {
      text = v.dump();
    } else {
      throw SettingsError("params." + it.key(), std::string("must be a string, number or boolean, not ") + v.type_name());
    }
    if (!since && text == kSince) continue;
    for (size_t pos = text.find(kSince); pos != std::string::npos; pos = text.find(kSince, pos)) {
      const std::string replacement = since.value_or("");
      text.replace(pos, kSince.size(), replacement);
      pos += replacement.size();
    }
    out.emplace_back(it.key(), std::move(text));
  }
  return out;
}

RestStreamSettings parse_stream_settings(const json& stream) {
  if (!stream.is_object()) throw SettingsError("stream", "must be an object");
  RestStreamSettings s;
  s.name = get_string(stream, "", "name", false, "");
  s.path = get_string(stream, "", "path", true);
  if (s.path.find("://") != std::string::npos) {
    throw SettingsError("path", "must be a path under base_url (such as /contacts), not a full URL");
  }
  s.since = find(stream, "since") ? std::optional<std::string>(get_string(stream, "", "since", true)) : std::nullopt;
  if (const json* params = find(stream, "params")) s.params = expand_params(*params, s.since);
  s.records = get_string(stream, "", "records", false, "");
  check_pointer(s.records, "records");
  if (const json* pagination = find(stream, "pagination")) s.pagination = parse_pagination(*pagination);
  s.batch_rows = static_cast<size_t>(get_integer(stream, "", "batch_rows", 0, 0, 100000000L));
  return s;
}

}  // namespace zra::rest
