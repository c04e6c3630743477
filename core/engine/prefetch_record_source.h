#pragma once
// Pulls records from another source on a thread of its own, a batch ahead of the consumer. The planner
// decides records one by one after everything was read; the spool's k-way merge and the decoding of
// each record feeding it are half that work, so with a second core they run beside the decisions.
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine/record_source.h"

namespace zra {

class PrefetchRecordSource : public RecordSource {
 public:
  // Starts reading `inner` at once. At most `batches_ahead` batches of `batch_records` records wait
  // for the consumer. `inner` is only touched by the prefetch thread until this object is destroyed,
  // so whatever it reads (the spool's buffer) must stay unchanged that long.
  explicit PrefetchRecordSource(std::unique_ptr<RecordSource> inner, size_t batch_records = 512,
                                size_t batches_ahead = 2);
  // Stops the thread after the record it is reading, and joins it.
  ~PrefetchRecordSource() override;
  PrefetchRecordSource(const PrefetchRecordSource&) = delete;
  PrefetchRecordSource& operator=(const PrefetchRecordSource&) = delete;

  // The records of `inner`, in its order. What inner->next() threw (FatalError for a damaged spool file)
  // is rethrown here after the records read before it, and again on every later call.
  bool next(PlannedRecord& out) override;

 private:
  void prefetch_loop();

  std::unique_ptr<RecordSource> inner_;
  const size_t batch_records_, batches_ahead_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::vector<PlannedRecord>> full_;   // read, oldest first
  std::vector<std::vector<PlannedRecord>> spare_;  // handed back by the consumer, to refill
  bool ended_ = false, quitting_ = false;
  std::exception_ptr failure_;
  std::vector<PlannedRecord> current_;  // the consumer's batch
  size_t pos_ = 0;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace zra
