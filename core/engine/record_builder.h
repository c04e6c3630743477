#pragma once
// Turns one source row into a PlannedRecord, or into the reason it cannot be one: mapping, then the
// field table's validation, then the registered deal stages. Pure: no I/O, no state.
// The hot path of a run: the row is mapped into typed values (no JSON DOM), checked against the field
// table, and its body written straight as JSON text, byte for byte what nlohmann's dump() would write.
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/common/source_row.h"
#include "core/engine/planned_record.h"
#include "core/report/run_report.h"
#include "core/state/payload_hash.h"

namespace zra {

class Mapping;
struct MappedRecord;

struct RowFailure {
  Phase phase = Phase::Mapping;
  std::string crm_id;  // when the id could be read
  std::string field;   // the failing field(s), comma-separated
  std::string detail;  // every problem of the row, "; "-separated
};

struct RowFailure;
// What a row became: a record, or why it could not be one.
using BuiltRow = std::variant<PlannedRecord, RowFailure>;

// What a built record keeps of its JSON body. The body is always written, so its hash and its UTF-8 check
// are the same either way; a dry run only needs the hash, and 300 bytes a record less to spool.
enum class BodyUse { Keep, HashOnly };

class RecordBuilder {
 public:
  // `stage_names`: the config's registered deal stages; a deal's stage must be one of them.
  // `mapping` must outlive the builder. With BodyUse::HashOnly, built records have an empty `body`.
  // `hash`: how records' hashes are computed; a run passes its state file's scheme
  // (StateStore::hash_scheme()), so they compare with what the file holds.
  RecordBuilder(const Mapping& mapping, std::set<std::string> stage_names, BodyUse body = BodyUse::Keep,
                HashScheme hash = kNewStateHashScheme);

  // The record of `row`, or why there is none (phase Mapping: the mapping's issues, or a value that is
  // not valid UTF-8; phase Validation: the field table's issues and an unregistered deal stage). Never
  // throws for data problems. Thread-safe (per-thread scratch buffers).
  std::variant<PlannedRecord, RowFailure> build(const SourceRow& row) const;
  // The same into `out`: a record `out` already holds is overwritten in place (every member set), so its
  // strings' capacity is reused and a steady stream of rows allocates nothing.
  void build_into(const SourceRow& row, BuiltRow& out) const;

 private:
  // True when validate_record() would find nothing wrong with `mapped` (checked on the typed values);
  // false means "let validate_record() decide", never "invalid".
  bool passes_field_table(const MappedRecord& mapped) const;

  const Mapping& mapping_;
  std::set<std::string> stage_names_;
  BodyUse body_use_;
  HashScheme hash_scheme_;
  // Slot of each field of the type's field table in a MappedRecord (-1: not mapped), in table order.
  std::vector<int> field_slots_;
  int id_slot_ = -1, modify_time_slot_ = -1, deletion_slot_ = -1, stage_slot_ = -1;
};

}  // namespace zra
