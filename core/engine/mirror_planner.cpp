#include "core/engine/mirror_planner.h"

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/state/payload_hash.h"

namespace zra {

PlannedRecord deletion_record(ObjectType type, const std::string& crm_id, const std::string& source,
                              const std::string& stream, HashScheme hash) {
  PlannedRecord r;
  r.type = type;
  r.crm_id = crm_id;
  nlohmann::json body = {{std::string(object_spec(type).id_field), crm_id}, {"deletion", true}};
  r.body = body.dump();
  r.hash = payload_hash(r.body, hash);
  r.source = source;
  r.stream = stream;
  r.locator = stream + " (vanished from the source)";
  r.deletion = true;
  return r;
}

bool mirror_deletes_allowed(const StreamOutcome& stream) { return stream.mirror && stream.complete; }

void check_mirror_deletes(const std::vector<StreamOutcome>& streams, const std::vector<MirrorTally>& tallies,
                          RunReport& report, bool allow_mass_delete) {
  for (size_t i = 0; i < streams.size(); ++i) {
    const StreamOutcome& s = streams[i];
    if (!s.mirror) continue;
    if (!s.complete) {
      log_warn("mirror.skipped", "stream " + s.source + "/" + s.stream +
                                     " was not read completely: mirror mode deletes nothing this run");
      continue;
    }
    const MirrorTally& t = tallies.at(i);
    if (t.vanished == 0) continue;
    const double fraction =
        t.confirmed > 0 ? static_cast<double>(t.vanished) / static_cast<double>(t.confirmed) : 1.0;
    if (fraction > s.max_delete_fraction && !allow_mass_delete) {
      throw FatalError("mirror mode would delete " + std::to_string(t.vanished) + " of " +
                       std::to_string(t.confirmed) + " " + std::string(object_spec(s.type).plural) + " of stream " +
                       s.source + "/" + s.stream + " (" + std::to_string(static_cast<int>(fraction * 100)) +
                       "%, more than max_delete_fraction " + std::to_string(s.max_delete_fraction) +
                       "); check the source, then rerun with --allow-mass-delete if this is intended");
    }
    report.update(s.type, [&](TypeCounts& c) { c.to_delete += t.vanished; });
  }
}

}  // namespace zra
