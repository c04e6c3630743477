#include "core/engine/prefetch_record_source.h"

#include <algorithm>
#include <utility>

namespace zra {

PrefetchRecordSource::PrefetchRecordSource(std::unique_ptr<RecordSource> inner, size_t batch_records,
                                           size_t batches_ahead)
    : inner_(std::move(inner)),
      batch_records_(std::max<size_t>(1, batch_records)),
      batches_ahead_(std::max<size_t>(1, batches_ahead)),
      thread_([this] { prefetch_loop(); }) {}

PrefetchRecordSource::~PrefetchRecordSource() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quitting_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void PrefetchRecordSource::prefetch_loop() {
  for (;;) {
    std::vector<PlannedRecord> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return quitting_ || full_.size() < batches_ahead_; });
      if (quitting_) return;
      if (!spare_.empty()) {
        batch = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    // Records left in a handed-back batch were moved from: refilling them reuses what capacity they kept.
    batch.resize(batch_records_);
    size_t filled = 0;
    bool more = true;
    std::exception_ptr failure;
    try {
      while (filled < batch_records_ && (more = inner_->next(batch[filled]))) ++filled;
    } catch (...) {
      failure = std::current_exception();  // rethrown by next() after the records read before it
      more = false;
    }
    batch.resize(filled);
    std::lock_guard<std::mutex> lock(mu_);
    if (filled > 0) full_.push_back(std::move(batch));
    if (!more) {
      ended_ = true;
      failure_ = failure;
    }
    changed_.notify_all();
    if (!more) return;
  }
}

bool PrefetchRecordSource::next(PlannedRecord& out) {
  if (pos_ >= current_.size()) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return !full_.empty() || ended_; });
    if (full_.empty()) {
      if (failure_) std::rethrow_exception(failure_);
      return false;
    }
    if (current_.capacity() > 0) spare_.push_back(std::move(current_));
    current_ = std::move(full_.front());
    full_.erase(full_.begin());
    pos_ = 0;
    changed_.notify_all();
  }
  out = std::move(current_[pos_++]);
  return true;
}

}  // namespace zra
