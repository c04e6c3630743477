#include "mapping/field_compiler.h"

#include <algorithm>

#include "core/common/errors.h"
#include "mapping/time_zone_lookup.h"

namespace zra::mapping_detail {
namespace {

constexpr const char* kTypeNames = "string, number, integer, bool, date, datetime, email, array";

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// The mapping-file type name of a field-table type.
std::string_view type_name(FieldType t) {
  switch (t) {
    case FieldType::String: return "string";
    case FieldType::Email: return "email";
    case FieldType::Number: return "number";
    case FieldType::Integer: return "integer";
    case FieldType::Boolean: return "bool";
    case FieldType::DateTime: return "datetime";
    case FieldType::Date: return "date";
    case FieldType::EmailArray:
    case FieldType::ObjectArray: return "array";
  }
  return "?";
}

ValueKind scalar_kind(FieldType t) {
  switch (t) {
    case FieldType::Email:
    case FieldType::EmailArray: return ValueKind::Email;
    case FieldType::Number: return ValueKind::Number;
    case FieldType::Integer: return ValueKind::Integer;
    case FieldType::Boolean: return ValueKind::Bool;
    case FieldType::DateTime: return ValueKind::DateTime;
    case FieldType::Date: return ValueKind::Date;
    case FieldType::String:
    case FieldType::ObjectArray: return ValueKind::String;
  }
  return ValueKind::String;
}

std::string names_of(const std::vector<FieldSpec>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

int slot_for(const std::string& column, std::vector<std::string>& columns) {
  auto it = std::find(columns.begin(), columns.end(), column);
  if (it != columns.end()) return static_cast<int>(it - columns.begin());
  columns.push_back(column);
  return static_cast<int>(columns.size() - 1);
}

// A scalar option's text; `what` describes what it must hold, for the message.
const std::string& scalar_text(const ConfigNode& node, const char* key, const char* what) {
  if (!node.is_scalar() || node.as_string().empty()) node.fail(std::string("'") + key + "' needs " + what);
  return node.as_string();
}

TextTransform parse_transform(const ConfigNode& node) {
  const std::string& name = scalar_text(node, "transform", "a transform name");
  if (name == "trim") return TextTransform::Trim;
  if (name == "lower") return TextTransform::Lower;
  if (name == "upper") return TextTransform::Upper;
  if (name == "null_if_empty") return TextTransform::NullIfEmpty;
  node.fail("unknown transform " + in_quotes(name) + " (expected trim, lower, upper or null_if_empty)");
}

void compile_transforms(const ConfigNode& node, FieldStep& step) {
  if (node.is_scalar()) {
    step.transforms.push_back(parse_transform(node));
    return;
  }
  if (!node.is_sequence()) node.fail("'transform' needs a list of transforms, e.g. [trim, lower]");
  for (const auto& item : node.items()) step.transforms.push_back(parse_transform(item));
}

void compile_value_map(const ConfigNode& node, FieldStep& step) {
  if (!node.is_map()) node.fail("'map' needs a mapping of source value to target value");
  for (const auto& [from, to] : node.entries()) {
    if (to.is_null()) {
      step.value_map.set(from, std::nullopt);
    } else if (to.is_scalar()) {
      step.value_map.set(from, to.as_string());
    } else {
      to.fail("a 'map' entry needs a single value (or null for no value)");
    }
  }
}

void compile_time_options(const ConfigNode& field, const FieldSpec& target, FieldStep& step,
                          const FieldCompileContext& context) {
  const ConfigNode* format = field.find("format");
  const ConfigNode* zone = field.find("timezone");
  bool timed = step.kind == ValueKind::Date || step.kind == ValueKind::DateTime;
  if (!timed && (format != nullptr || zone != nullptr)) {
    const ConfigNode& bad = format != nullptr ? *format : *zone;
    bad.fail(std::string("'") + (format != nullptr ? "format" : "timezone") + "' applies only to date and " +
             "datetime fields; " + in_quotes(target.name) + " is " + std::string(to_string(target.type)));
  }
  if (!timed) return;
  step.time = context.default_time;
  if (format != nullptr) {
    step.time.format = scalar_text(*format, "format", "a date format, e.g. \"%d.%m.%Y\"");
    std::string problem;
    step.time.reader = compile_time_format(step.time.format, problem);
    if (!step.time.reader) format->fail(problem);
  }
  if (zone != nullptr) {
    const std::string& name = scalar_text(*zone, "timezone", "an IANA time zone name");
    const date::time_zone* found = find_time_zone(name);
    if (found == nullptr) {
      zone->fail("unknown time zone " + in_quotes(name) + " (expected an IANA name such as America/New_York)");
    }
    step.time.zone = found;
    step.time.zone_name = name;
  }
}

void compile_type(const ConfigNode* type_node, const std::string& target, const FieldSpec& spec, FieldStep& step) {
  step.kind = scalar_kind(spec.type);
  step.is_array = spec.type == FieldType::EmailArray || spec.type == FieldType::ObjectArray;
  if (type_node == nullptr) return;
  const std::string& name = scalar_text(*type_node, "type", "a type name");
  static const std::vector<std::string_view> kKnown = {"string", "number", "integer", "bool",
                                                       "date",   "datetime", "email", "array"};
  if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
    type_node->fail("unknown type " + in_quotes(name) + " (expected one of " + kTypeNames + ")");
  }
  if (name != type_name(spec.type)) {
    type_node->fail("type " + in_quotes(name) + " contradicts the ZRA schema: " + in_quotes(target) + " is " +
                    std::string(to_string(spec.type)) + " (use '" + std::string(type_name(spec.type)) +
                    "' or leave 'type' out)");
  }
}

void compile_array_options(const ConfigNode& field, const std::string& target, const FieldSpec& spec,
                           FieldStep& step) {
  const ConfigNode* split = field.find("split");
  const ConfigNode* as = field.find("as");
  if (split != nullptr) {
    if (!step.is_array) {
      split->fail("'split' applies only to array fields; " + in_quotes(target) + " is " +
                  std::string(to_string(spec.type)));
    }
    step.separator = scalar_text(*split, "split", "a separator, e.g. \";\"");
  }
  if (spec.type == FieldType::ObjectArray) {
    if (as == nullptr) {
      field.fail(in_quotes(target) + " is an array of objects: name the item field each value fills with 'as' (one of " +
                 names_of(spec.items) + ")");
    }
    const std::string& item = scalar_text(*as, "as", "an item field name");
    auto it = std::find_if(spec.items.begin(), spec.items.end(), [&](const FieldSpec& f) { return f.name == item; });
    if (it == spec.items.end()) {
      as->fail("unknown item field " + in_quotes(item) + " of " + in_quotes(target) + " (one of " + names_of(spec.items) + ")");
    }
    step.item_key = item;
    step.kind = scalar_kind(it->type);
  } else if (as != nullptr) {
    as->fail("'as' applies only to a field that is an array of objects (such as a deal's 'contacts'); " +
             in_quotes(target) + " is " + std::string(to_string(spec.type)));
  }
}

// Exactly one of from / value / template.
const ConfigNode* source_option(const ConfigNode& field, SourceKind& kind) {
  const ConfigNode* found = nullptr;
  std::string found_key;
  for (auto [key, k] : {std::pair{"from", SourceKind::Column}, std::pair{"value", SourceKind::Constant},
                        std::pair{"template", SourceKind::Template}}) {
    const ConfigNode* n = field.find(key);
    if (n == nullptr) continue;
    if (found != nullptr) n->fail(std::string("'") + key + "' cannot be combined with '" + found_key + "'");
    found = n;
    found_key = key;
    kind = k;
  }
  if (found == nullptr) field.fail("a field needs one of 'from' (a column), 'value' (a constant) or 'template'");
  return found;
}

}  // namespace

FieldStep compile_field(const std::string& target, const ConfigNode& node, FieldCompileContext& context) {
  const FieldSpec* spec = context.spec.field(target);
  if (spec == nullptr) {
    node.fail("unknown field " + in_quotes(target) + " of " + std::string(context.spec.name) + " (known: " +
              names_of(context.spec.fields) + ")");
  }
  FieldStep step;
  step.target = target;
  if (node.is_scalar()) {  // short form: `target: Column`
    compile_type(nullptr, target, *spec, step);
    if (spec->type == FieldType::ObjectArray) compile_array_options(node, target, *spec, step);  // throws: needs `as`
    step.slot = slot_for(scalar_text(node, "from", "a column name"), context.columns);
    step.time = context.default_time;
    return step;
  }
  if (!node.is_map()) node.fail("expected a column name or a mapping of options (from, value, template, ...)");
  node.check_keys({"from", "value", "template", "type", "format", "timezone", "map", "default", "transform", "split",
                   "as", "keep_whitespace", "keep_empty"});

  SourceKind source = SourceKind::Column;
  const ConfigNode* source_node = source_option(node, source);
  step.source = source;
  compile_type(node.find("type"), target, *spec, step);
  compile_array_options(node, target, *spec, step);
  compile_time_options(node, *spec, step, context);
  if (const ConfigNode* n = node.find("keep_whitespace")) step.keep_whitespace = n->as_bool();
  if (const ConfigNode* n = node.find("keep_empty")) step.keep_empty = n->as_bool();
  if (const ConfigNode* n = node.find("transform")) compile_transforms(*n, step);
  if (const ConfigNode* n = node.find("map")) compile_value_map(*n, step);

  if (const ConfigNode* n = node.find("default")) {
    if (source == SourceKind::Constant) n->fail("'default' has no use with 'value' (a constant is never absent)");
    if (!n->is_scalar()) n->fail("'default' needs a single value");
    MappedValue value;
    std::string error;
    Outcome outcome = convert(step, n->as_string(), false, value, error);
    if (outcome == Outcome::Failed) n->fail("default " + in_quotes(n->as_string()) + " does not convert: " + error);
    if (outcome == Outcome::Absent ||
        (value.kind == MappedValue::Kind::String && value.text.empty() && !step.keep_empty)) {
      n->fail("'default' is empty");
    }
    step.default_value = std::move(value);
  }

  switch (source) {
    case SourceKind::Column:
      step.slot = slot_for(scalar_text(*source_node, "from", "a column name"), context.columns);
      break;
    case SourceKind::Template: {
      const std::string& text = scalar_text(*source_node, "template", "a text with {Column} placeholders");
      std::string problem = TextTemplate::parse(text, step.text_template);
      if (!problem.empty()) source_node->fail("template " + in_quotes(text) + ": " + problem);
      for (const auto& column : step.text_template.columns()) {
        step.template_slots.push_back(slot_for(column, context.columns));
      }
      break;
    }
    case SourceKind::Constant: {
      if (!source_node->is_scalar()) source_node->fail("'value' needs a single value");
      MappedValue value;
      std::string work, error;
      Outcome outcome = evaluate(step, std::string_view(source_node->as_string()), true, value, work, error);
      if (outcome == Outcome::Failed) {
        source_node->fail("value " + in_quotes(source_node->as_string()) + " does not convert: " + error);
      }
      if (outcome == Outcome::Absent) source_node->fail("'value' is empty, so the field would never be sent");
      step.constant = std::move(value);
      break;
    }
  }
  return step;
}

}  // namespace zra::mapping_detail
