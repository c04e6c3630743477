#pragma once
// Mirror mode: after a stream was read completely and without source errors, the ids ZRA holds from it
// (confirmed in the state) that the read did not produce are deleted. A partial read deletes nothing, and
// more than max_delete_fraction of a stream stops the run (exit 3) unless --allow-mass-delete.
// Which ids vanished is found by the RunPlanner's merge-join (record_planner.h); this is the guard.
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/planned_record.h"
#include "core/engine/record_collector.h"
#include "core/report/run_report.h"
#include "core/state/payload_hash.h"

namespace zra {

// What the merge-join found for one stream: ids of the stream ZRA holds, and those the read did not produce.
struct MirrorTally {
  int64_t confirmed = 0;
  int64_t vanished = 0;
};

// Whether a stream's vanished ids may be deleted at all: a mirror stream read completely.
bool mirror_deletes_allowed(const StreamOutcome& stream);

// In stream order: logs mirror streams that were not read completely (they delete nothing), then checks
// each stream's vanished/confirmed against its max_delete_fraction and counts to_delete. `tallies[i]`
// belongs to `streams[i]`. Throws FatalError naming the stream and the counts when the guard trips.
void check_mirror_deletes(const std::vector<StreamOutcome>& streams, const std::vector<MirrorTally>& tallies,
                          RunReport& report, bool allow_mass_delete);

// The body that deletes one record: {"<id_field>": id, "deletion": true}, hashed with `hash` (the state
// file's scheme).
PlannedRecord deletion_record(ObjectType type, const std::string& crm_id, const std::string& source,
                              const std::string& stream, HashScheme hash);

}  // namespace zra
