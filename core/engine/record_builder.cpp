#include "core/engine/record_builder.h"

#include <nlohmann/json.hpp>

#include "core/schema/record_validator.h"
#include "core/state/payload_hash.h"
#include "mapping/mapping.h"

namespace zra {
namespace {

std::string join_stages(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

ScalarKind scalar_kind(MappedValue::Kind kind) {
  switch (kind) {
    case MappedValue::Kind::String: return ScalarKind::String;
    case MappedValue::Kind::Integer: return ScalarKind::Integer;
    case MappedValue::Kind::Number: return ScalarKind::Number;
    case MappedValue::Kind::Bool: return ScalarKind::Boolean;
    case MappedValue::Kind::Absent:
    case MappedValue::Kind::Array: return ScalarKind::Other;
  }
  return ScalarKind::Other;
}

const std::string kNoId;

ObjectType referenced_type(Reference r) { return r == Reference::Account ? ObjectType::Account : ObjectType::Contact; }

const MappedValue* slot_value(const MappedRecord& mapped, int slot) {
  if (slot < 0) return nullptr;
  const MappedValue& v = mapped.values[static_cast<size_t>(slot)];
  return v.kind == MappedValue::Kind::Absent ? nullptr : &v;
}

const std::string* slot_string(const MappedRecord& mapped, int slot) {
  const MappedValue* v = slot_value(mapped, slot);
  return v != nullptr && v->kind == MappedValue::Kind::String ? &v->text : nullptr;
}

template <class Issues>
RowFailure failure(Phase phase, const std::string& crm_id, const Issues& issues) {
  RowFailure f{phase, crm_id, "", ""};
  for (const auto& i : issues) {
    f.field += (f.field.empty() ? "" : ",") + i.field;
    f.detail += (f.detail.empty() ? "" : "; ") + i.detail;
  }
  return f;
}

}  // namespace

RecordBuilder::RecordBuilder(const Mapping& mapping, std::set<std::string> stage_names, BodyUse body, HashScheme hash)
    : mapping_(mapping), stage_names_(std::move(stage_names)), body_use_(body), hash_scheme_(hash) {
  const ObjectTypeSpec& spec = object_spec(mapping_.object_type());
  const auto& targets = mapping_.targets();
  auto slot_of = [&](std::string_view name) {
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i] != nullptr && targets[i]->name == name) return static_cast<int>(i);
    }
    return -1;
  };
  for (const FieldSpec& f : spec.fields) field_slots_.push_back(slot_of(f.name));
  id_slot_ = slot_of(spec.id_field);
  modify_time_slot_ = slot_of("modify_time");
  deletion_slot_ = slot_of("deletion");
  stage_slot_ = slot_of("stage");
}

bool RecordBuilder::passes_field_table(const MappedRecord& mapped) const {
  using Kind = MappedValue::Kind;
  const ObjectTypeSpec& spec = object_spec(mapping_.object_type());
  const MappedValue* deletion = slot_value(mapped, deletion_slot_);
  const bool only_id = deletion != nullptr && deletion->kind == Kind::Bool && deletion->boolean;
  for (size_t k = 0; k < spec.fields.size(); ++k) {
    const FieldSpec& f = spec.fields[k];
    const MappedValue* v = slot_value(mapped, field_slots_[k]);
    const bool required = f.required && (!only_id || f.name == spec.id_field);
    if (v == nullptr) {
      if (required) return false;
      continue;
    }
    if (required && v->kind == Kind::String && v->text.empty()) return false;  // "required field is empty"
    if (!plainly_valid(f.type, scalar_kind(v->kind), v->text)) return false;
  }
  return true;
}

std::variant<PlannedRecord, RowFailure> RecordBuilder::build(const SourceRow& row) const {
  BuiltRow out;
  build_into(row, out);
  return out;
}

void RecordBuilder::build_into(const SourceRow& row, BuiltRow& out) const {
  const ObjectType type = mapping_.object_type();
  const ObjectTypeSpec& spec = object_spec(type);
  thread_local MappedRecord mapped;  // reused: its strings keep their capacity from row to row
  mapping_.apply(row, mapped);
  const std::string* id = slot_string(mapped, id_slot_);
  const std::string& crm_id = id != nullptr ? *id : kNoId;
  if (!mapped.ok()) {
    out = failure(Phase::Mapping, crm_id, mapped.issues);
    return;
  }

  std::vector<FieldIssue> issues;
  if (!passes_field_table(mapped)) issues = validate_record(type, mapping_.to_json(mapped));
  const MappedValue* deletion_value = slot_value(mapped, deletion_slot_);
  const bool deletion = deletion_value != nullptr && deletion_value->kind == MappedValue::Kind::Bool &&
                        deletion_value->boolean;
  if (type == ObjectType::Deal && !deletion) {
    const std::string* stage = slot_string(mapped, stage_slot_);
    if (stage != nullptr && stage_names_.count(*stage) == 0) {
      issues.push_back({"stage", "stage '" + *stage + "' is not a registered deal stage (registered: " +
                                     join_stages(stage_names_) + ")"});
    }
  }
  if (!issues.empty()) {
    out = failure(Phase::Validation, crm_id, issues);
    return;
  }

  auto* reused = std::get_if<PlannedRecord>(&out);
  PlannedRecord& rec = reused != nullptr ? *reused : out.emplace<PlannedRecord>();
  rec.type = type;
  rec.crm_id.assign(crm_id);
  rec.deletion = deletion;
  rec.sequence = 0;
  rec.source.clear();
  rec.stream.clear();
  rec.references.clear();
  if (const std::string* mt = slot_string(mapped, modify_time_slot_)) {
    rec.modify_time.assign(*mt);
  } else {
    rec.modify_time.clear();
  }
  if (!rec.deletion) {
    // References in field-table order, top level and in arrays of objects.
    for (size_t k = 0; k < spec.fields.size(); ++k) {
      const FieldSpec& f = spec.fields[k];
      const MappedValue* v = slot_value(mapped, field_slots_[k]);
      if (v == nullptr) continue;
      if (f.reference != Reference::None && v->kind == MappedValue::Kind::String) {
        rec.references.emplace_back(referenced_type(f.reference), v->text);
      }
      if (f.type == FieldType::ObjectArray && v->kind == MappedValue::Kind::Array) {
        for (const auto& item : v->array) {
          if (!item.is_object()) continue;
          for (const auto& sub : f.items) {
            auto s = item.find(sub.name);
            if (sub.reference != Reference::None && s != item.end() && s->is_string()) {
              rec.references.emplace_back(referenced_type(sub.reference), s->get<std::string>());
            }
          }
        }
      }
    }
  }
  thread_local std::string scratch;  // the body when it is only hashed: keeps its capacity from row to row
  std::string& body = body_use_ == BodyUse::Keep ? rec.body : scratch;
  if (body_use_ != BodyUse::Keep) rec.body.clear();
  if (!mapping_.write_json(mapped, body)) {
    try {  // not UTF-8: dump() names the byte and where it is
      body = mapping_.to_json(mapped).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::type_error& e) {
      out = RowFailure{Phase::Mapping, rec.crm_id, "", std::string("value is not valid UTF-8: ") + e.what()};
      return;
    }
  }
  payload_hash(body, hash_scheme_, rec.hash);
  rec.locator.assign(row.locator);
}

}  // namespace zra
