#include "core/engine/row_build_pipeline.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>

#include "core/common/errors.h"

namespace zra {
size_t row_bytes(const std::vector<SourceRow>& rows) {
  size_t n = rows.capacity() * sizeof(SourceRow);
  for (const SourceRow& row : rows) {
    n += row.locator.capacity() + row.values.capacity() * sizeof(row.values[0]);
    for (const auto& value : row.values) {
      if (value) n += value->capacity();
    }
  }
  return n;
}

PipelineShape PipelineShape::from_environment() {
  PipelineShape shape;
  const char* text = std::getenv("ZRA_SYNC_BUILD_THREADS");
  if (text == nullptr || *text == '\0') return shape;
  const std::string value(text);
  const bool digits = value.size() <= 2 && value.find_first_not_of("0123456789") == std::string::npos;
  const int n = digits ? std::stoi(value) : 0;
  if (n < 1 || n > 64) {
    throw UsageError("ZRA_SYNC_BUILD_THREADS must be a whole number from 1 to 64 (threads that map rows), got '" +
                     value + "'");
  }
  shape.builders = static_cast<size_t>(n);
  return shape;
}

RowBuildPipeline::RowBuildPipeline(BatchReader read, const RecordBuilder& builder, const std::atomic<bool>& stop,
                                   PipelineShape shape)
    : read_(std::move(read)), builder_(builder), stop_(stop) {
  size_t builders = shape.builders;
  if (builders == 0) builders = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  max_batches_ = shape.max_batches != 0 ? shape.max_batches : 2 * builders + 2;
  max_bytes_ = shape.max_bytes;
  reader_thread_ = std::thread([this] { read_loop(); });
  for (size_t i = 0; i < builders; ++i) builders_.emplace_back([this] { build_loop(); });
}

RowBuildPipeline::~RowBuildPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quitting_ = true;
  }
  changed_.notify_all();
  reader_thread_.join();
  for (auto& t : builders_) t.join();
}

void RowBuildPipeline::read_loop() {
  for (;;) {
    Slot slot;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] {
        return quitting_ || slots_.empty() || (slots_.size() < max_batches_ && bytes_ < max_bytes_);
      });
      if (quitting_) break;
      if (!spare_batches_.empty()) {
        slot.batch = std::move(spare_batches_.back());
        spare_batches_.pop_back();
      }
    }
    bool more = false;
    std::exception_ptr failure;
    if (!stop_.load()) {
      try {
        more = read_(slot.batch.rows);
        slot.bytes = row_bytes(slot.batch.rows);
      } catch (...) {
        failure = std::current_exception();  // handed to next()'s caller after the batches before it
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!more) {
      failure_ = failure;
      break;
    }
    bytes_ += slot.bytes;
    slots_.push_back(std::move(slot));
    changed_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mu_);
  ended_ = true;
  changed_.notify_all();
}

void RowBuildPipeline::build_loop() {
  for (;;) {
    Slot* slot = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto waiting = [&] {
        auto it = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.state == SlotState::Read; });
        return it == slots_.end() ? nullptr : &*it;
      };
      changed_.wait(lock, [&] { return quitting_ || (slot = waiting()) != nullptr || ended_; });
      if (quitting_) return;
      if (slot == nullptr) return;  // the reader ended and nothing is left to build
      slot->state = SlotState::Building;
    }
    // Slots are only removed from the front once Built, and a deque keeps addresses on push_back, so
    // `slot` stays valid while it is built without the lock.
    BuiltBatch& batch = slot->batch;
    std::exception_ptr failure;
    try {
      batch.built.resize(batch.rows.size());
      for (size_t i = 0; i < batch.rows.size(); ++i) {
        auto& built = batch.built[i];
        if (batch.rows[i].error) {
          built.reset();
          continue;
        }
        if (!built) built.emplace();
        builder_.build_into(batch.rows[i], *built);
      }
    } catch (...) {
      failure = std::current_exception();  // resource exhaustion: ends the stream like a read failure
    }
    std::lock_guard<std::mutex> lock(mu_);
    slot->state = failure ? SlotState::Failed : SlotState::Built;
    slot->failure = failure;
    changed_.notify_all();
  }
}

bool RowBuildPipeline::next(BuiltBatch& out) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] {
    return slots_.empty() ? ended_ : slots_.front().state == SlotState::Built || slots_.front().state == SlotState::Failed;
  };
  // `stop` is set by a signal handler, which cannot notify: look at it between short waits.
  while (!ready()) {
    if (stop_.load()) return false;
    changed_.wait_for(lock, kStopCheck);
  }
  if (slots_.empty()) {
    if (failure_) std::rethrow_exception(failure_);
    return false;
  }
  if (slots_.front().state == SlotState::Failed) std::rethrow_exception(slots_.front().failure);  // kept: again next time
  if (!out.rows.empty() && spare_batches_.size() < max_batches_) spare_batches_.push_back(std::move(out));
  out = std::move(slots_.front().batch);
  bytes_ -= slots_.front().bytes;
  slots_.pop_front();
  changed_.notify_all();
  return true;
}

}  // namespace zra
