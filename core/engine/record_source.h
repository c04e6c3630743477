#pragma once
// A pull interface over records: how the spool, the planner and the import scheduler hand records on
// one at a time, so no stage needs the whole run in memory.
#include <memory>
#include <utility>
#include <vector>

#include "core/engine/planned_record.h"

namespace zra {

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // Moves the next record into `out` and returns true, or returns false at the end (and from then on).
  // Throws FatalError when the records cannot be read (e.g. a damaged spool file).
  virtual bool next(PlannedRecord& out) = 0;
};

// Records held in a vector, handed out in order (tests, small inputs).
class VectorRecordSource : public RecordSource {
 public:
  explicit VectorRecordSource(std::vector<PlannedRecord> records) : records_(std::move(records)) {}
  bool next(PlannedRecord& out) override {
    if (pos_ >= records_.size()) return false;
    out = std::move(records_[pos_++]);
    return true;
  }

 private:
  std::vector<PlannedRecord> records_;
  size_t pos_ = 0;
};

// The records of several sources, one source after the other.
class ConcatRecordSource : public RecordSource {
 public:
  explicit ConcatRecordSource(std::vector<std::unique_ptr<RecordSource>> parts) : parts_(std::move(parts)) {}
  bool next(PlannedRecord& out) override {
    while (pos_ < parts_.size()) {
      if (parts_[pos_]->next(out)) return true;
      parts_[pos_++].reset();
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<RecordSource>> parts_;
  size_t pos_ = 0;
};

}  // namespace zra
