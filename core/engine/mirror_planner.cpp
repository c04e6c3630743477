#include "core/engine/mirror_planner.h"

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/state/payload_hash.h"
#include "core/state/state_store.h"

namespace zra {

PlannedRecord deletion_record(ObjectType type, const std::string& crm_id, const std::string& source,
                              const std::string& stream) {
  PlannedRecord r;
  r.type = type;
  r.crm_id = crm_id;
  nlohmann::json body = {{std::string(object_spec(type).id_field), crm_id}, {"deletion", true}};
  r.body = body.dump();
  r.hash = payload_hash(r.body);
  r.source = source;
  r.stream = stream;
  r.locator = stream + " (vanished from the source)";
  r.deletion = true;
  return r;
}

MirrorPlan plan_mirror_deletes(const std::vector<StreamOutcome>& streams, StateStore* state,
                               const std::string& run_id, RunReport& report, bool allow_mass_delete) {
  MirrorPlan plan;
  if (state == nullptr) return plan;
  for (const auto& s : streams) {
    if (!s.mirror) continue;
    if (!s.complete) {
      log_warn("mirror.skipped", "stream " + s.source + "/" + s.stream +
                                     " was not read completely: mirror mode deletes nothing this run");
      continue;
    }
    std::vector<PlannedRecord> dels;
    state->for_each_unseen_confirmed(run_id, s.type, s.stream, [&](const std::string& id) {
      dels.push_back(deletion_record(s.type, id, s.source, s.stream));
    });
    if (dels.empty()) continue;
    int64_t confirmed = state->count_confirmed(s.type, s.stream);
    double fraction = confirmed > 0 ? static_cast<double>(dels.size()) / static_cast<double>(confirmed) : 1.0;
    if (fraction > s.max_delete_fraction && !allow_mass_delete) {
      throw FatalError("mirror mode would delete " + std::to_string(dels.size()) + " of " +
                       std::to_string(confirmed) + " " + std::string(object_spec(s.type).plural) + " of stream " +
                       s.source + "/" + s.stream + " (" + std::to_string(static_cast<int>(fraction * 100)) +
                       "%, more than max_delete_fraction " + std::to_string(s.max_delete_fraction) +
                       "); check the source, then rerun with --allow-mass-delete if this is intended");
    }
    report.update(s.type, [&](TypeCounts& c) { c.to_delete += static_cast<int64_t>(dels.size()); });
    auto& out = plan.deletions[s.type];
    for (auto& d : dels) out.push_back(std::move(d));
  }
  return plan;
}

}  // namespace zra
