// The per-row half of the mapping engine: evaluate() and convert() of field_step.h.
#include <cmath>

#include "core/schema/record_validator.h"
#include "mapping/field_step.h"
#include "mapping/scalar_parsers.h"
#include "mapping/text_ops.h"

namespace zra::mapping_detail {
namespace {

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

bool convert_scalar(const FieldStep& step, std::string_view text, MappedValue& out, std::string& error) {
  switch (step.kind) {
    case ValueKind::String:
      out.kind = MappedValue::Kind::String;
      out.text.assign(text.data(), text.size());
      return true;
    case ValueKind::Email: {
      std::string_view t = trim_view(text);
      if (!is_valid_email(t)) {
        error = in_quotes(text) + " is not a valid email address";
        return false;
      }
      out.kind = MappedValue::Kind::String;
      out.text.assign(t.data(), t.size());
      return true;
    }
    case ValueKind::Number: {
      double d = 0;
      if (!parse_number(text, d, error)) return false;
      // Whole numbers go out as integers ("750000", not "750000.0"); 2^53 keeps them exact.
      if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) {
        out.kind = MappedValue::Kind::Integer;
        out.integer = static_cast<int64_t>(d);
      } else {
        out.kind = MappedValue::Kind::Number;
        out.number = d;
      }
      return true;
    }
    case ValueKind::Integer: {
      int64_t i = 0;
      if (!parse_integer(text, i, error)) return false;
      out.kind = MappedValue::Kind::Integer;
      out.integer = i;
      return true;
    }
    case ValueKind::Bool: {
      bool b = false;
      if (!parse_bool(text, b, error)) return false;
      out.kind = MappedValue::Kind::Bool;
      out.boolean = b;
      return true;
    }
    case ValueKind::Date:
      if (!to_iso_date(trim_view(text), step.time, out.text, error)) return false;
      out.kind = MappedValue::Kind::String;
      return true;
    case ValueKind::DateTime:
      if (!to_utc_datetime(trim_view(text), step.time, out.text, error)) return false;
      out.kind = MappedValue::Kind::String;
      return true;
  }
  return false;
}

// Applies `map` to `text`: false when the map sends the value to null (absent).
bool apply_value_map(const FieldStep& step, std::string_view& text) {
  if (step.value_map.empty()) return true;
  const std::optional<std::string>* to = step.value_map.find(text);
  if (to == nullptr) return true;  // unmapped values pass through
  if (!*to) return false;
  text = **to;
  return true;
}

Outcome convert_array(const FieldStep& step, std::string_view text, bool apply_map, MappedValue& out,
                      std::string& error) {
  out.kind = MappedValue::Kind::Array;
  out.array = nlohmann::json::array();
  MappedValue scalar;
  size_t item = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = step.separator.empty() ? std::string_view::npos : text.find(step.separator, pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view element = trim_view(text.substr(pos, end - pos));
    pos = end + (step.separator.empty() ? 1 : step.separator.size());
    if (apply_map && !apply_value_map(step, element)) continue;
    if (element.empty()) continue;
    ++item;
    if (!convert_scalar(step, element, scalar, error)) {
      error = "item " + std::to_string(item) + ": " + error;
      return Outcome::Failed;
    }
    if (step.item_key.empty()) {
      out.array.push_back(to_json_value(scalar));
    } else {
      nlohmann::json object = nlohmann::json::object();
      object.emplace(step.item_key, to_json_value(scalar));
      out.array.push_back(std::move(object));
    }
  }
  if (out.array.empty() && !step.keep_empty) return Outcome::Absent;
  return Outcome::Value;
}

}  // namespace

nlohmann::json to_json_value(const MappedValue& value) {
  switch (value.kind) {
    case MappedValue::Kind::String: return value.text;
    case MappedValue::Kind::Integer: return value.integer;
    case MappedValue::Kind::Number: return value.number;
    case MappedValue::Kind::Bool: return value.boolean;
    case MappedValue::Kind::Array: return value.array;
    case MappedValue::Kind::Absent: break;
  }
  return nullptr;
}

Outcome convert(const FieldStep& step, std::string_view text, bool apply_map, MappedValue& out,
                std::string& error) {
  if (step.is_array) return convert_array(step, text, apply_map, out, error);
  return convert_scalar(step, text, out, error) ? Outcome::Value : Outcome::Failed;
}

Outcome evaluate(const FieldStep& step, std::string_view text, bool present, MappedValue& out, std::string& work,
                 std::string& error) {
  std::string_view value = present ? text : std::string_view{};
  if (present && !step.keep_whitespace) value = trim_view(value);
  for (TextTransform t : step.transforms) {
    if (!present) break;
    switch (t) {
      case TextTransform::Trim:
        value = trim_view(value);
        break;
      case TextTransform::Lower:
      case TextTransform::Upper: {
        if (value.empty()) break;
        // Rewritten in `work`, in place when `value` already lies there (same length: ASCII only).
        size_t offset = 0;
        if (work.empty() || value.data() < work.data() || value.data() >= work.data() + work.size()) {
          work.assign(value.data(), value.size());
        } else {
          offset = static_cast<size_t>(value.data() - work.data());
        }
        char* p = &work[offset];
        for (size_t i = 0; i < value.size(); ++i) p[i] = t == TextTransform::Lower ? ascii_lower(p[i]) : ascii_upper(p[i]);
        value = std::string_view(p, value.size());
        break;
      }
      case TextTransform::NullIfEmpty:
        present = !value.empty();
        break;
    }
  }
  // For arrays, `map` applies to each element after `split` (in convert()).
  if (present && !step.is_array) present = apply_value_map(step, value);
  if (present && value.empty() && !step.keep_empty) present = false;
  if (!present) {
    if (!step.default_value) return Outcome::Absent;
    out = *step.default_value;
    return Outcome::Value;
  }
  Outcome outcome = convert(step, value, true, out, error);
  if (outcome == Outcome::Absent && step.default_value) {
    out = *step.default_value;
    return Outcome::Value;
  }
  return outcome;
}

}  // namespace zra::mapping_detail
