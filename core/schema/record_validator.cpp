#include "core/schema/record_validator.h"

#include <nlohmann/json.hpp>

namespace zra {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool valid_calendar_date(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  return d <= max;
}

// True when `v` nests more than `levels` arrays/objects deep (looks no deeper than that).
bool nested_deeper_than(const nlohmann::json& v, int levels) {
  if (!v.is_structured()) return false;
  if (levels == 0) return true;
  for (const auto& item : v) {
    if (nested_deeper_than(item, levels - 1)) return true;
  }
  return false;
}

std::string quote(const nlohmann::json& v) {
  // dump() recurses per level: a deeply nested value (an import body sent to the sandbox) would overflow
  // the stack (found by fuzz_record_validator).
  if (nested_deeper_than(v, 32)) {
    return std::string("an ") + (v.is_array() ? "array" : "object") + " nested too deep to show";
  }
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() > 80) {
    size_t cut = 77;  // never inside a UTF-8 sequence (found by fuzz_record_validator)
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return "'" + s + "'";
}

void check_value(const FieldSpec& spec, const std::string& path, const nlohmann::json& v,
                 std::vector<FieldIssue>& out);

// True when check_value() would report nothing: the common case, decided without building the
// field's path (a string per field and record otherwise).
bool plainly_valid(const FieldSpec& spec, const nlohmann::json& v) {
  if (v.is_string()) return zra::plainly_valid(spec.type, ScalarKind::String, v.get_ref<const std::string&>());
  const ScalarKind kind = v.is_number_integer() ? ScalarKind::Integer
                          : v.is_number()       ? ScalarKind::Number
                          : v.is_boolean()      ? ScalarKind::Boolean
                                                : ScalarKind::Other;
  return zra::plainly_valid(spec.type, kind, {});
}

}  // namespace

bool plainly_valid(FieldType type, ScalarKind kind, std::string_view text) {
  const bool string = kind == ScalarKind::String;
  switch (type) {
    case FieldType::String: return string;
    case FieldType::Email: return string && is_valid_email(text);
    case FieldType::Number: return kind == ScalarKind::Integer || kind == ScalarKind::Number;
    case FieldType::Integer: return kind == ScalarKind::Integer;
    case FieldType::Boolean: return kind == ScalarKind::Boolean;
    case FieldType::DateTime: return string && is_iso8601_datetime(text);
    case FieldType::Date: return string && is_iso8601_date(text);
    case FieldType::EmailArray:
    case FieldType::ObjectArray: return false;  // let check_value walk the items
  }
  return false;
}

namespace {

bool known_field(const std::vector<FieldSpec>& fields, const std::string& name) {
  for (const auto& spec : fields) {
    if (spec.name == name) return true;
  }
  return false;
}

void check_object(const std::vector<FieldSpec>& fields, const std::string& prefix, const nlohmann::json& obj,
                  bool only_id, std::string_view id_field, std::vector<FieldIssue>& out) {
  for (const auto& spec : fields) {
    auto it = obj.find(spec.name);
    bool absent = it == obj.end() || it->is_null();
    bool required = spec.required && (!only_id || spec.name == id_field);
    if (absent && !required) continue;
    bool empty_required = !absent && required && it->is_string() && it->get_ref<const std::string&>().empty();
    if (!absent && !empty_required && plainly_valid(spec, *it)) continue;
    std::string path = prefix + std::string(spec.name);
    if (absent) {
      out.push_back({path, "missing required field '" + path + "'"});
    } else if (empty_required) {
      out.push_back({path, "required field '" + path + "' is empty"});
    } else {
      check_value(spec, path, *it, out);
    }
  }
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!known_field(fields, it.key())) out.push_back({prefix + it.key(), "unknown field '" + prefix + it.key() + "'"});
  }
}

void check_value(const FieldSpec& spec, const std::string& path, const nlohmann::json& v,
                 std::vector<FieldIssue>& out) {
  auto wrong_type = [&](std::string_view want) {
    out.push_back({path, "field '" + path + "' must be " + std::string(want) + ", got " + quote(v)});
  };
  switch (spec.type) {
    case FieldType::String:
      if (!v.is_string()) wrong_type("a string");
      break;
    case FieldType::Email:
      if (!v.is_string()) {
        wrong_type("an email address string");
      } else if (!is_valid_email(v.get_ref<const std::string&>())) {
        out.push_back({path, "invalid email " + quote(v) + " in field '" + path + "'"});
      }
      break;
    case FieldType::Number:
      if (!v.is_number()) wrong_type("a number");
      break;
    case FieldType::Integer:
      if (!v.is_number_integer()) wrong_type("an integer");
      break;
    case FieldType::Boolean:
      if (!v.is_boolean()) wrong_type("a boolean");
      break;
    case FieldType::DateTime:
      if (!v.is_string() || !is_iso8601_datetime(v.get_ref<const std::string&>())) {
        out.push_back({path, "field '" + path + "' must be an ISO-8601 date-time with a zone "
                             "(2025-11-20T12:00:00Z), got " + quote(v)});
      }
      break;
    case FieldType::Date:
      if (!v.is_string() || !is_iso8601_date(v.get_ref<const std::string&>())) {
        out.push_back({path, "field '" + path + "' must be an ISO-8601 date (2025-11-20), got " + quote(v)});
      }
      break;
    case FieldType::EmailArray:
      if (!v.is_array()) {
        wrong_type("an array of email addresses");
        break;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        const auto& e = v[i];
        std::string p = path + "[" + std::to_string(i) + "]";
        if (!e.is_string() || !is_valid_email(e.get_ref<const std::string&>())) {
          out.push_back({p, "invalid email " + quote(e) + " in field '" + p + "'"});
        }
      }
      break;
    case FieldType::ObjectArray:
      if (!v.is_array()) {
        wrong_type("an array of objects");
        break;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        if (!v[i].is_object()) {
          out.push_back({p, "field '" + p + "' must be an object, got " + quote(v[i])});
          continue;
        }
        check_object(spec.items, p + ".", v[i], false, {}, out);
      }
      break;
  }
}

}  // namespace

namespace {

// Which bytes an address may hold, one table lookup a byte (emails are checked once per record).
struct EmailBytes {
  bool local[256] = {};
  bool domain[256] = {};
  constexpr EmailBytes() {
    for (int c = 0; c < 256; ++c) {
      local[c] = c > ' ' && c != 0x7f && c != '(' && c != ')' && c != ',' && c != ':' && c != ';' && c != '<' &&
                 c != '>' && c != '[' && c != ']' && c != '\\' && c != '"' && c != '@';
      domain[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '.' || c >= 0x80;
    }
  }
};
constexpr EmailBytes kEmailBytes;

}  // namespace

bool is_valid_email(std::string_view s) {
  if (s.size() > 254) return false;
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  if (domain.empty() || local.front() == '.' || local.back() == '.') return false;
  for (unsigned char c : local) {
    if (!kEmailBytes.local[c]) return false;
  }
  // A second '@' is not a domain byte; nor is anything else but letters, digits, '-', '.' and non-ASCII.
  bool dot = false;
  char previous = '@';
  for (unsigned char c : domain) {
    if (!kEmailBytes.domain[c]) return false;
    if (c == '.') {
      if (previous == '.' || previous == '@') return false;  // "..", or a leading '.'
      dot = true;
    }
    previous = static_cast<char>(c);
  }
  return dot && previous != '.';
}

bool is_iso8601_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) return false;
  return valid_calendar_date(to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), to_int(s.substr(8, 2)));
}

bool is_iso8601_datetime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || !is_iso8601_date(s.substr(0, 10)) || s[10] != 'T') return false;
  if (s[13] != ':' || s[16] != ':') return false;
  if (!all_digits(s.substr(11, 2)) || !all_digits(s.substr(14, 2)) || !all_digits(s.substr(17, 2))) return false;
  if (to_int(s.substr(11, 2)) > 23 || to_int(s.substr(14, 2)) > 59 || to_int(s.substr(17, 2)) > 59) return false;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return false;
  }
  std::string_view zone = s.substr(pos);
  if (zone == "Z") return true;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return false;
  if (!all_digits(zone.substr(1, 2)) || !all_digits(zone.substr(4, 2))) return false;
  return to_int(zone.substr(1, 2)) <= 23 && to_int(zone.substr(4, 2)) <= 59;
}

std::vector<FieldIssue> validate_record(ObjectType type, const nlohmann::json& record) {
  std::vector<FieldIssue> out;
  const ObjectTypeSpec& spec = object_spec(type);
  if (!record.is_object()) {
    out.push_back({"", "record must be a JSON object, got " + quote(record)});
    return out;
  }
  auto del = record.find("deletion");
  bool only_id = del != record.end() && del->is_boolean() && del->get<bool>();
  check_object(spec.fields, "", record, only_id, spec.id_field, out);
  return out;
}

}  // namespace zra
