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

// References named by the field table (Reference::Account / Reference::Contact), top level and in arrays.
void collect_references(const ObjectTypeSpec& spec, const nlohmann::json& record,
                        std::vector<std::pair<ObjectType, std::string>>& out) {
  auto ref_type = [](Reference r) { return r == Reference::Account ? ObjectType::Account : ObjectType::Contact; };
  for (const auto& f : spec.fields) {
    auto it = record.find(f.name);
    if (it == record.end()) continue;
    if (f.reference != Reference::None && it->is_string()) {
      out.emplace_back(ref_type(f.reference), it->get<std::string>());
    }
    if (f.type == FieldType::ObjectArray && it->is_array()) {
      for (const auto& item : *it) {
        for (const auto& sub : f.items) {
          auto s = item.find(sub.name);
          if (sub.reference != Reference::None && s != item.end() && s->is_string()) {
            out.emplace_back(ref_type(sub.reference), s->get<std::string>());
          }
        }
      }
    }
  }
}

}  // namespace

RecordBuilder::RecordBuilder(const Mapping& mapping, std::set<std::string> stage_names)
    : mapping_(mapping), stage_names_(std::move(stage_names)) {}

std::variant<PlannedRecord, RowFailure> RecordBuilder::build(const SourceRow& row) const {
  const ObjectType type = mapping_.object_type();
  const ObjectTypeSpec& spec = object_spec(type);
  MappedRow mapped = mapping_.apply(row);
  auto id_it = mapped.record.find(spec.id_field);
  std::string crm_id = (id_it != mapped.record.end() && id_it->is_string()) ? id_it->get<std::string>() : "";

  auto failure = [&](Phase phase, const auto& issues) {
    RowFailure f{phase, crm_id, "", ""};
    for (const auto& i : issues) {
      f.field += (f.field.empty() ? "" : ",") + i.field;
      f.detail += (f.detail.empty() ? "" : "; ") + i.detail;
    }
    return f;
  };
  if (!mapped.ok()) return failure(Phase::Mapping, mapped.issues);

  std::vector<FieldIssue> issues = validate_record(type, mapped.record);
  if (type == ObjectType::Deal) {
    auto stage = mapped.record.find("stage");
    bool deletion = mapped.record.value("deletion", false);
    if (!deletion && stage != mapped.record.end() && stage->is_string() &&
        stage_names_.count(stage->get<std::string>()) == 0) {
      issues.push_back({"stage", "stage '" + stage->get<std::string>() +
                                     "' is not a registered deal stage (registered: " + join_stages(stage_names_) +
                                     ")"});
    }
  }
  if (!issues.empty()) return failure(Phase::Validation, issues);

  PlannedRecord rec;
  rec.type = type;
  rec.crm_id = std::move(crm_id);
  rec.deletion = mapped.record.value("deletion", false);
  auto mt = mapped.record.find("modify_time");
  if (mt != mapped.record.end() && mt->is_string()) rec.modify_time = mt->get<std::string>();
  if (!rec.deletion) collect_references(spec, mapped.record, rec.references);
  try {
    rec.body = mapped.record.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::type_error& e) {
    return RowFailure{Phase::Mapping, rec.crm_id, "", std::string("value is not valid UTF-8: ") + e.what()};
  }
  rec.hash = payload_hash(rec.body);
  rec.locator = row.locator;
  return rec;
}

}  // namespace zra
