#pragma once
// Mirror mode: after a stream was read completely and without source errors, the ids ZRA holds from it
// (confirmed in the state) that the read did not produce are deleted. A partial read deletes nothing, and
// more than max_delete_fraction of a stream stops the run (exit 3) unless --allow-mass-delete.
#include <map>
#include <string>
#include <vector>

#include "core/engine/planned_record.h"
#include "core/engine/record_collector.h"
#include "core/report/run_report.h"

namespace zra {

class StateStore;

struct MirrorPlan {
  std::map<ObjectType, std::vector<PlannedRecord>> deletions;
};

// Throws FatalError naming the stream and the counts when the guard trips.
MirrorPlan plan_mirror_deletes(const std::vector<StreamOutcome>& streams, StateStore* state,
                               const std::string& run_id, RunReport& report, bool allow_mass_delete);

// The body that deletes one record: {"<id_field>": id, "deletion": true}.
PlannedRecord deletion_record(ObjectType type, const std::string& crm_id, const std::string& source,
                              const std::string& stream);

}  // namespace zra
