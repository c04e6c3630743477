#include "plugins/odbc/odbc_settings.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "plugins/odbc/connection_string.h"
#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {
namespace {

using nlohmann::json;

json parse_object(const std::string& text, const char* what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw settings_failure(std::string(what) + " is not a JSON object");
  return doc;
}

std::optional<std::string> optional_string(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw settings_failure(std::string(key) + ": expected a string");
  return it->get<std::string>();
}

std::optional<int64_t> optional_integer(const json& doc, const char* key, int64_t min, int64_t max) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  int64_t value = 0;
  if (it->is_number_integer()) {
    value = it->get<int64_t>();
  } else if (it->is_string()) {  // "30" from an environment variable
    const std::string s = it->get<std::string>();
    size_t used = 0;
    try {
      value = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size()) throw settings_failure(std::string(key) + ": expected an integer, got \"" + s + "\"");
  } else {
    throw settings_failure(std::string(key) + ": expected an integer");
  }
  if (value < min || value > max) {
    throw settings_failure(std::string(key) + ": " + std::to_string(value) + " is outside " + std::to_string(min) +
                           ".." + std::to_string(max));
  }
  return value;
}

ParameterValue parameter_value(const std::string& name, const json& v) {
  ParameterValue p;
  if (v.is_null()) {
    p.kind = ParameterValue::Kind::kNull;
  } else if (v.is_string()) {
    p.kind = ParameterValue::Kind::kText;
    p.text = v.get<std::string>();
  } else if (v.is_boolean()) {
    p.kind = ParameterValue::Kind::kBoolean;
    p.integer = v.get<bool>() ? 1 : 0;
  } else if (v.is_number_integer()) {
    p.kind = ParameterValue::Kind::kInteger;
    p.integer = v.get<int64_t>();
  } else if (v.is_number()) {
    p.kind = ParameterValue::Kind::kReal;
    p.real = v.get<double>();
  } else {
    throw settings_failure("params." + name + ": expected a string, number, boolean or null");
  }
  return p;
}

int two_digits(const std::string& s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {  // Howard Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
}

}  // namespace

std::string normalize_since(const std::string& iso) {
  auto bad = [&]() { return settings_failure("since: \"" + iso + "\" is not an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM])"); };
  const std::string& s = iso;
  auto digits = [&](size_t from, size_t n) {
    if (from + n > s.size()) return false;
    for (size_t k = from; k < from + n; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 19 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
      (s[10] != 'T' && s[10] != ' ') || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' ||
      !digits(17, 2)) {
    throw bad();
  }
  int year = std::stoi(s.substr(0, 4));
  unsigned month = static_cast<unsigned>(two_digits(s, 5)), day = static_cast<unsigned>(two_digits(s, 8));
  int hour = two_digits(s, 11), minute = two_digits(s, 14), second = two_digits(s, 17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) throw bad();
  size_t i = 19;
  std::string fraction;
  if (i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i + 1) throw bad();
    fraction = s.substr(i, j - i);
    i = j;
  }
  int offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if ((s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && i + 3 < s.size() && s[i + 3] == ':' && digits(i + 4, 2)) {
      offset_minutes = (two_digits(s, i + 1) * 60 + two_digits(s, i + 4)) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      throw bad();
    }
  }
  if (i != s.size()) throw bad();
  int64_t minutes = days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset_minutes;
  int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
  int64_t in_day = minutes - days * 1440;
  civil_from_days(days, year, month, day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d:%02d", year, month, day,
                static_cast<int>(in_day / 60), static_cast<int>(in_day % 60), second);
  return buffer + fraction;
}

SourceSettings parse_source_settings(const std::string& text) {
  const json doc = parse_object(text, "settings");
  SourceSettings out;
  const auto connection_string = optional_string(doc, "connection_string");
  const auto dsn = optional_string(doc, "dsn");
  const auto user = optional_string(doc, "user").value_or("");
  const auto password = optional_string(doc, "password").value_or("");
  if (connection_string && dsn) throw settings_failure("connection_string and dsn: set one of them, not both");
  if (connection_string) {
    if (connection_string->empty()) throw settings_failure("connection_string: is empty");
    out.connection_string = *connection_string;
    if (!user.empty()) out.connection_string += ";UID=" + quote_attribute_value(user);
    if (!password.empty()) out.connection_string += ";PWD=" + quote_attribute_value(password);
  } else if (dsn) {
    if (dsn->empty()) throw settings_failure("dsn: is empty");
    out.connection_string = build_dsn_connection_string(*dsn, user, password);
  } else {
    throw settings_failure("connection_string or dsn: one of them is required");
  }
  if (auto v = optional_integer(doc, "login_timeout_s", 0, 3600)) out.login_timeout_s = static_cast<int>(*v);
  if (auto v = optional_integer(doc, "query_timeout_s", 0, 86400)) out.query_timeout_s = static_cast<int>(*v);
  out.secrets = connection_string_secrets(out.connection_string);
  out.secrets.push_back(password);
  out.secrets.push_back(out.connection_string);
  if (connection_string) out.secrets.push_back(*connection_string);
  return out;
}

StreamSettings parse_stream_settings(const std::string& text) {
  const json doc = parse_object(text, "stream");
  StreamSettings out;
  out.name = optional_string(doc, "name").value_or("");
  if (out.name.empty()) throw settings_failure("name: the stream has no name");
  const auto query = optional_string(doc, "query");
  if (!query || query->find_first_not_of(" \t\r\n") == std::string::npos) {
    throw settings_failure("stream " + out.name + ": query: required and must not be empty");
  }
  out.query = *query;
  out.key = optional_string(doc, "key");
  if (out.key && out.key->empty()) throw settings_failure("stream " + out.name + ": key: must not be empty");
  if (auto it = doc.find("params"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) throw settings_failure("stream " + out.name + ": params: expected an object of name: value");
    for (auto p = it->begin(); p != it->end(); ++p) {
      if (p.key() == "since") {
        throw settings_failure("stream " + out.name + ": params.since: reserved, :since is the stream's since value");
      }
      out.params.emplace_back(p.key(), parameter_value(p.key(), p.value()));
    }
  }
  if (auto v = optional_integer(doc, "fetch_rows", 1, kMaxFetchRows)) out.fetch_rows = static_cast<int>(*v);
  out.batch_rows = static_cast<size_t>(out.fetch_rows);
  if (auto v = optional_integer(doc, "batch_rows", 1, 1000000)) out.batch_rows = static_cast<size_t>(*v);
  if (auto since = optional_string(doc, "since"); since && !since->empty()) out.since = normalize_since(*since);
  return out;
}

}  // namespace zra::odbc
