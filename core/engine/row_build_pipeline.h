#pragma once
// Reads one stream and builds its rows on several threads at once, handing the results back in read
// order. A row's build (mapping, validation, JSON body, hash) is pure and is most of the local cost, and
// reading (the plugin, or decoding its child process's frames) is the rest: on a machine with more than
// one core both run beside each other and beside the caller, which spools what comes back.
//
// Order is kept batch by batch, so reports, counters and the duplicate tie-break are exactly what a
// single thread would make. Memory is bounded: at most `max_batches` batches, and rows of at most
// `max_bytes` (but always one batch), wait in the pipeline (read, being built, or built and waiting for
// the caller), plus the one being read and the caller's; the reader waits while the limit is reached.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "core/common/source_row.h"
#include "core/engine/record_builder.h"

namespace zra {

// One batch as the plugin returned it, with the build of each row (nullopt for a row that carries a
// source error: there is nothing to build).
struct BuiltBatch {
  std::vector<SourceRow> rows;
  std::vector<std::optional<BuiltRow>> built;
};

struct PipelineShape {
  size_t builders = 0;     // threads building rows; 0 = one per core, at most 4
  size_t max_batches = 0;  // batches in flight; 0 = 2 per builder + 2
  // The rows' bytes in flight (as row_bytes() counts them; their built records come on top): the reader
  // waits while they reach this, unless nothing is in flight. Keeps memory flat for wide rows too.
  size_t max_bytes = 8u << 20;

  // The default shape, with `builders` from ZRA_SYNC_BUILD_THREADS when it is set (a whole number from
  // 1 to 64; e.g. 1 keeps a run on a busy machine to the reader and one builder). Throws UsageError
  // naming the variable for any other value.
  static PipelineShape from_environment();
};

// About what `rows` hold in memory: the rows, their values and locators.
size_t row_bytes(const std::vector<SourceRow>& rows);

class RowBuildPipeline {
 public:
  // Fills its argument with the next batch of rows; false at the end (StreamReader::next's contract).
  using BatchReader = std::function<bool(std::vector<SourceRow>&)>;

  // Starts reading with `read` (on a thread of its own; called from one thread at a time) and building
  // with `builder`, which must outlive the pipeline. When `stop` becomes true, reading stops after the
  // current batch.
  RowBuildPipeline(BatchReader read, const RecordBuilder& builder, const std::atomic<bool>& stop,
                   PipelineShape shape = {});
  // Stops reading and building and joins the threads (waits for a read in progress to return).
  ~RowBuildPipeline();
  RowBuildPipeline(const RowBuildPipeline&) = delete;
  RowBuildPipeline& operator=(const RowBuildPipeline&) = delete;

  // The next batch in read order, fully built. False at the end of the stream, or once `stop` is set
  // (within kStopCheck, even while the reader waits for a plugin). The batch `out` held before goes back
  // to be refilled: its rows by the reader, its records by a builder (a stream then allocates almost
  // nothing).
  // When reading failed (SourceError) or a build threw (resource exhaustion only), every batch read
  // before the failure is handed out first, then next() rethrows it, and again on every later call.
  // Called from one thread.
  bool next(BuiltBatch& out);

  size_t builders() const { return builders_.size(); }
  static constexpr std::chrono::milliseconds kStopCheck{50};

 private:
  enum class SlotState { Read, Building, Built, Failed };
  struct Slot {
    SlotState state = SlotState::Read;
    BuiltBatch batch;
    size_t bytes = 0;            // row_bytes(batch.rows)
    std::exception_ptr failure;  // Failed: what the build threw
  };

  void read_loop();
  void build_loop();

  BatchReader read_;
  const RecordBuilder& builder_;
  const std::atomic<bool>& stop_;
  size_t max_batches_;
  size_t max_bytes_;
  size_t bytes_ = 0;  // of the slots' rows

  std::mutex mu_;
  std::condition_variable changed_;  // any change of slots_, ended_, quitting_
  std::deque<Slot> slots_;           // in read order; the front is the next to hand out
  bool ended_ = false;               // the reader is done (end of stream, stop, or failure)
  bool quitting_ = false;            // the pipeline is being destroyed
  std::exception_ptr failure_;       // what ended reading (after the batches in slots_)
  // Handed back by next(), to be refilled. Up to max_batches_ are kept: no more ever exist at once, and
  // a batch given back while the pipeline is full would otherwise be freed, only for the reader to
  // allocate every row of a new one when it drains (3.5% of a quiet 1M-row dry run, 6% of a busy one).
  std::vector<BuiltBatch> spare_batches_;
  std::thread reader_thread_;
  std::vector<std::thread> builders_;
};

}  // namespace zra
