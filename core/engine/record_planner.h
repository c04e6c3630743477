#pragma once
// Plans what a run sends, one type at a time in dependency order, without holding the run in memory:
// the spool's records of the type come out in crm_id order; duplicates of an id are resolved (the newer
// modify_time wins, the later read on a tie; each loser is reported); records naming a failed record are
// blocked; and a merge-join with the state store read in the same order decides new / changed /
// unchanged / retried / still-rejected for each record and, for mirror streams read completely, which
// confirmed ids vanished from the source (deletions). What must be sent goes into a RecordList per type.
#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "core/engine/change_detector.h"
#include "core/engine/mirror_planner.h"
#include "core/engine/record_collector.h"
#include "core/engine/record_spool.h"

namespace zra {

class StateStore;

struct PlannedSends {
  std::unique_ptr<OriginTable> origins = std::make_unique<OriginTable>();  // of the lists' spool files
  std::map<ObjectType, std::unique_ptr<RecordList>> records;  // to send, per type, in crm_id order
  // Mirror deletions per type: one list per stream, in the config's stream order.
  std::map<ObjectType, std::vector<std::unique_ptr<RecordList>>> deletions;
  // Time spent in the merge-joins with the state (the unchanged-vs-changed decision), per type.
  std::map<ObjectType, std::chrono::duration<double>> decision_time;

  // Hands out what is to be sent (consumed): the records of each type / the deletions of each type.
  std::map<ObjectType, std::unique_ptr<RecordSource>> take_records();
  std::unique_ptr<RecordSource> take_deletions(ObjectType type);
};

struct PlannerLimits {
  size_t send_list_bytes = 4u << 20;      // per type, before the list moves to disk
  size_t deletion_list_bytes = 1u << 20;  // per mirror stream
  size_t state_page = 2000;               // state rows read per page
  bool keep_sends = true;                 // false for a dry run: decide and count, keep nothing to send
};

class RunPlanner {
 public:
  // `state` may be null (no state yet): everything is new and mirror mode deletes nothing.
  RunPlanner(StateStore* state, Clock& clock, ChangePolicy policy, RunReport& report, FailureCauses& causes,
             SpoolDirectory& dir, PlannerLimits limits = {});
  // Drains `spool`. Updates the report's counts (duplicates, dependency_failed, new, changed, unchanged,
  // retried, still_rejected, to_delete) and failures. `streams` are the read's outcomes (mirror flags,
  // completeness). Throws FatalError when the mass-delete guard trips (nothing is sent then), and
  // FatalError/StateError when the spool or the state cannot be read.
  PlannedSends plan(RecordSpool& spool, const std::vector<StreamOutcome>& streams, bool allow_mass_delete);

 private:
  void plan_type(ObjectType type, RecordSource& sorted, const std::vector<StreamOutcome>& streams,
                 std::vector<MirrorTally>& tallies, PlannedSends& out);

  StateStore* state_;
  ChangeDetector detector_;
  RunReport& report_;
  FailureCauses& causes_;
  SpoolDirectory& dir_;
  PlannerLimits limits_;
};

// Resolves duplicates in a source sorted by (crm_id, sequence): yields one record per id. The records of
// an id are folded in read order: a later one replaces the kept one when its modify_time is newer or
// equal; each loser is reported (phase validation, naming the record that superseded it) and counted.
class DuplicateResolver {
 public:
  DuplicateResolver(RecordSource& sorted, ObjectType type, RunReport& report);
  bool next(PlannedRecord& out);

 private:
  void fold(PlannedRecord& kept, PlannedRecord& rec);
  RecordSource& in_;
  ObjectType type_;
  RunReport& report_;
  PlannedRecord pending_;
  bool has_pending_ = false, primed_ = false;
};

}  // namespace zra
