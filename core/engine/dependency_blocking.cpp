#include "core/engine/dependency_blocking.h"

namespace zra {

bool block_if_dependency_failed(ObjectType type, const PlannedRecord& rec, FailureCauses& causes, RunReport& report) {
  std::string blocked;
  for (const auto& [ref_type, ref_id] : rec.references) {
    auto by_type = causes.find(ref_type);
    if (by_type == causes.end()) continue;
    auto it = by_type->second.find(ref_id);
    if (it != by_type->second.end()) {
      blocked = std::string(to_string(ref_type)) + " '" + ref_id + "' failed in this run (" + it->second + ")";
      break;
    }
  }
  if (blocked.empty()) return false;
  report.add_failure({std::string(to_string(type)), rec.crm_id, rec.source, rec.stream, rec.locator, Phase::Dependency,
                      std::string(object_spec(type).id_field), "not sent: " + blocked, ""});
  report.update(type, [](TypeCounts& c) { c.dependency_failed++; });
  causes[type].emplace(rec.crm_id, "dependency: " + blocked);
  return true;
}

}  // namespace zra
