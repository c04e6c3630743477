#include "mapping/mapping.h"

#include <algorithm>

#include "core/common/errors.h"
#include "mapping/column_index_cache.h"
#include "mapping/field_compiler.h"
#include "mapping/field_step.h"
#include "mapping/json_text_writer.h"
#include "mapping/text_ops.h"
#include "mapping/time_zone_lookup.h"

namespace zra {
namespace {

using mapping_detail::ColumnIndexes;
using mapping_detail::FieldStep;
using mapping_detail::Outcome;
using mapping_detail::SourceKind;

// The text of column `index` of `row` into `text`: false when the row has no such column or it is NULL.
bool cell(const SourceRow& row, int index, std::string_view& text) {
  if (index < 0 || static_cast<size_t>(index) >= row.values.size()) return false;
  const auto& v = row.values[static_cast<size_t>(index)];
  if (!v) return false;
  text = *v;
  return true;
}

mapping_detail::TimeSpec root_time(const ConfigNode& root) {
  mapping_detail::TimeSpec time;
  const ConfigNode* zone = root.find("timezone");
  if (zone == nullptr) return time;
  if (!zone->is_scalar() || zone->as_string().empty()) zone->fail("'timezone' needs an IANA time zone name");
  time.zone = mapping_detail::find_time_zone(zone->as_string());
  if (time.zone == nullptr) {
    zone->fail("unknown time zone '" + zone->as_string() + "' (expected an IANA name such as America/New_York)");
  }
  time.zone_name = zone->as_string();
  return time;
}

// Sorts `issues` by the mapping-file position of their fields (`positions`, parallel to `issues`).
void put_in_mapping_order(std::vector<MappingIssue>& issues, const std::vector<size_t>& positions) {
  std::vector<size_t> order(issues.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return positions[a] < positions[b]; });
  std::vector<MappingIssue> sorted;
  sorted.reserve(issues.size());
  for (size_t i : order) sorted.push_back(std::move(issues[i]));
  issues = std::move(sorted);
}

}  // namespace

Mapping::Mapping(ObjectType type, std::vector<FieldStep> steps, std::vector<std::string> columns)
    : type_(type),
      steps_(std::move(steps)),
      columns_(std::move(columns)),
      column_cache_(std::make_unique<mapping_detail::ColumnIndexCache>(columns_)) {
  const ObjectTypeSpec& spec = object_spec(type);
  targets_.reserve(steps_.size());
  for (const FieldStep& step : steps_) {
    targets_.push_back(spec.field(step.target));  // compile checked them
    json_keys_.push_back(nlohmann::json(step.target).dump() + ":");
  }
}

Mapping::~Mapping() = default;

std::shared_ptr<const Mapping> Mapping::compile(ObjectType type, const ConfigNode& root) {
  if (!root.is_map()) root.fail("a mapping needs 'fields' (target field: source column or options)");
  root.check_keys({"fields", "timezone"});
  mapping_detail::TimeSpec time = root_time(root);
  const ConfigNode& fields = root.at("fields");
  if (!fields.is_map()) fields.fail("'fields' needs a mapping of target field to source column or options");
  if (fields.entries().empty()) fields.fail("a mapping needs at least one field");

  std::vector<std::string> columns;
  mapping_detail::FieldCompileContext context{object_spec(type), time, columns};
  std::vector<FieldStep> steps;
  steps.reserve(fields.entries().size());
  for (const auto& [target, node] : fields.entries()) {
    for (const auto& done : steps) {
      if (done.target == target) node.fail("field '" + target + "' is mapped twice");
    }
    steps.push_back(mapping_detail::compile_field(target, node, context));
  }
  // Steps run in target-name order, which is the record's own (a sorted map): each field is appended at
  // the end instead of searched for. Issues are put back in mapping-file order (FieldStep::position).
  for (size_t i = 0; i < steps.size(); ++i) steps[i].position = i;
  std::sort(steps.begin(), steps.end(), [](const FieldStep& a, const FieldStep& b) { return a.target < b.target; });
  return std::shared_ptr<const Mapping>(new Mapping(type, std::move(steps), std::move(columns)));
}

MappedRow Mapping::apply(const SourceRow& row) const {
  thread_local MappedRecord mapped;
  apply(row, mapped);
  MappedRow result;
  result.record = to_json(mapped);
  result.issues = mapped.issues;
  return result;
}

void Mapping::apply(const SourceRow& row, MappedRecord& out) const {
  out.issues.clear();
  out.values.resize(steps_.size());
  for (MappedValue& v : out.values) v.kind = MappedValue::Kind::Absent;
  if (row.error) {
    out.issues.push_back(MappingIssue{"", "", "the row could not be read: " + *row.error});
    return;
  }
  const ColumnIndexes& indexes = column_cache_->resolve(row.columns);
  // Scratch text reused across rows (the template's rendering, rewritten values): no allocation per row.
  thread_local std::string rendered;
  thread_local std::string work;
  std::string error;
  std::vector<size_t> issue_positions;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const FieldStep& step = steps_[i];
    MappedValue& value = out.values[i];
    std::string_view text;
    bool present = false;
    switch (step.source) {
      case SourceKind::Constant:
        if (step.constant) value = *step.constant;
        continue;
      case SourceKind::Column:
        present = cell(row, indexes[static_cast<size_t>(step.slot)], text);
        break;
      case SourceKind::Template: {
        auto part = [&](size_t p) -> std::string_view {
          std::string_view v;
          if (!cell(row, indexes[static_cast<size_t>(step.template_slots[p])], v)) return {};
          return step.keep_whitespace ? v : mapping_detail::trim_view(v);
        };
        present = step.text_template.render(part, rendered);
        if (present) text = rendered;
        break;
      }
    }
    switch (mapping_detail::evaluate(step, text, present, value, work, error)) {
      case Outcome::Value:
        break;
      case Outcome::Absent:
        value.kind = MappedValue::Kind::Absent;
        break;
      case Outcome::Failed:
        value.kind = MappedValue::Kind::Absent;
        out.issues.push_back(MappingIssue{step.target, present ? std::string(text) : std::string(), error});
        issue_positions.push_back(step.position);
        break;
    }
  }
  if (out.issues.size() > 1) put_in_mapping_order(out.issues, issue_positions);
}

nlohmann::json Mapping::to_json(const MappedRecord& mapped) const {
  nlohmann::json record = nlohmann::json::object();
  auto& object = record.get_ref<nlohmann::json::object_t&>();
  for (size_t i = 0; i < mapped.values.size() && i < steps_.size(); ++i) {
    const MappedValue& v = mapped.values[i];
    if (v.kind == MappedValue::Kind::Absent) continue;
    object.emplace_hint(object.end(), steps_[i].target, mapping_detail::to_json_value(v));
  }
  return record;
}

bool Mapping::write_json(const MappedRecord& mapped, std::string& out) const {
  // Written into a per-thread buffer sized for the worst case, then copied once: one bound check per
  // record instead of a std::string append per key and value. Arrays (rare) are dumped first.
  const size_t n = std::min(mapped.values.size(), steps_.size());
  thread_local std::vector<std::string> arrays;  // the dumps of the record's array values, in order
  arrays.clear();
  size_t room = 2;  // braces
  for (size_t i = 0; i < n; ++i) {
    const MappedValue& v = mapped.values[i];
    switch (v.kind) {
      case MappedValue::Kind::Absent: continue;
      case MappedValue::Kind::String: room += json_string_room(v.text.size()); break;
      case MappedValue::Kind::Integer: room += kJsonIntegerRoom; break;
      case MappedValue::Kind::Number: room += kJsonNumberRoom; break;
      case MappedValue::Kind::Bool: room += 5; break;
      case MappedValue::Kind::Array:
        try {
          arrays.push_back(v.array.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
        } catch (const nlohmann::json::type_error&) {
          return false;  // invalid UTF-8; the caller's dump() reports where
        }
        room += arrays.back().size();
        break;
    }
    room += json_keys_[i].size() + 1;  // and the comma
  }
  thread_local std::vector<char> buffer;
  if (buffer.size() < room) buffer.resize(std::max(room, 2 * buffer.size()));
  char* p = buffer.data();
  *p++ = '{';
  bool first = true;
  size_t array = 0;
  for (size_t i = 0; i < n; ++i) {
    const MappedValue& v = mapped.values[i];
    if (v.kind == MappedValue::Kind::Absent) continue;
    if (!first) *p++ = ',';
    first = false;
    p = write_raw(p, json_keys_[i]);
    switch (v.kind) {
      case MappedValue::Kind::String:
        p = write_json_string(p, v.text);
        if (p == nullptr) return false;  // invalid UTF-8; the caller's dump() reports where
        break;
      case MappedValue::Kind::Integer:
        p = write_json_integer(p, v.integer);
        break;
      case MappedValue::Kind::Number:
        p = write_json_number(p, v.number);
        break;
      case MappedValue::Kind::Bool:
        p = write_raw(p, v.boolean ? std::string_view("true") : std::string_view("false"));
        break;
      case MappedValue::Kind::Array:
        p = write_raw(p, arrays[array++]);
        break;
      case MappedValue::Kind::Absent:
        break;
    }
  }
  *p++ = '}';
  out.assign(buffer.data(), static_cast<size_t>(p - buffer.data()));
  return true;
}

const std::vector<std::string>& Mapping::referenced_columns() const { return columns_; }

ObjectType Mapping::object_type() const { return type_; }

}  // namespace zra
