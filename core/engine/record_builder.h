#pragma once
// Turns one source row into a PlannedRecord, or into the reason it cannot be one: mapping, then the
// field table's validation, then the registered deal stages. Pure: no I/O, no state.
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "core/common/source_row.h"
#include "core/engine/planned_record.h"
#include "core/report/run_report.h"

namespace zra {

class Mapping;

struct RowFailure {
  Phase phase = Phase::Mapping;
  std::string crm_id;  // when the id could be read
  std::string field;   // the failing field(s), comma-separated
  std::string detail;  // every problem of the row, "; "-separated
};

class RecordBuilder {
 public:
  // `stage_names`: the config's registered deal stages; a deal's stage must be one of them.
  RecordBuilder(const Mapping& mapping, std::set<std::string> stage_names);
  std::variant<PlannedRecord, RowFailure> build(const SourceRow& row) const;

 private:
  const Mapping& mapping_;
  std::set<std::string> stage_names_;
};

}  // namespace zra
