// RowBuildPipeline: results come back in read order whatever the number of builders, every row is built
// exactly once, a read failure is handed out after the batches read before it, stop ends reading, and
// at most max_batches batches are ever read ahead of the caller.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "config/yaml_reader.h"
#include "core/common/errors.h"
#include "core/engine/row_build_pipeline.h"
#include "core/common/source_row.h"
#include "core/plugin_host/source_error.h"
#include "mapping/mapping.h"

namespace zra {
namespace {

std::shared_ptr<const Mapping> account_mapping() {
  EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  return Mapping::compile(ObjectType::Account,
                          parse_config_text("fields:\n  crm_account_id: Id\n  account_name: Name\n"
                                            "  employees: { from: Count, type: integer }\n  modify_time: { value: \"2025-11-20T12:00:00Z\" }\n",
                                            "mappings/accounts.yaml", no_env, ""));
}

// Batches of `rows_per_batch` rows, ids 0..n-1 in order; every 7th row has no name (a validation failure),
// every 11th carries a source error. `reads` counts the batches read so far.
struct CountingReader {
  size_t batches = 0, rows_per_batch = 0;
  std::atomic<size_t>* reads = nullptr;
  size_t fail_after = SIZE_MAX;  // throw SourceError instead of this batch
  size_t next_id = 0, done = 0;
  std::shared_ptr<const std::vector<std::string>> columns =
      std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name", "Count"});

  bool operator()(std::vector<SourceRow>& out) {
    out.clear();
    if (done == fail_after) throw SourceError("csv", "export", "accounts", "the plugin failed at batch " + std::to_string(done));
    if (done == batches) return false;
    for (size_t i = 0; i < rows_per_batch; ++i, ++next_id) {
      SourceRow row;
      row.columns = columns;
      row.values = {std::to_string(next_id), next_id % 7 == 0 ? std::optional<std::string>() : "Acme " + std::to_string(next_id),
                    std::to_string(next_id % 100)};
      row.locator = "accounts.csv:" + std::to_string(next_id + 2);
      if (next_id % 11 == 0) row.error = "unterminated quote";
      out.push_back(std::move(row));
    }
    ++done;
    if (reads != nullptr) ++*reads;
    return true;
  }
};

// Checks one batch as handed out: in order from `expected_id`, each row built (or not) as it should be.
void check_batch(const BuiltBatch& batch, size_t& expected_id) {
  ASSERT_EQ(batch.built.size(), batch.rows.size());
  for (size_t i = 0; i < batch.rows.size(); ++i, ++expected_id) {
    ASSERT_EQ(batch.rows[i].locator, "accounts.csv:" + std::to_string(expected_id + 2));
    if (expected_id % 11 == 0) {
      EXPECT_FALSE(batch.built[i].has_value()) << "a row with a source error is not built";
      continue;
    }
    ASSERT_TRUE(batch.built[i].has_value());
    if (expected_id % 7 == 0) {
      const auto* f = std::get_if<RowFailure>(&*batch.built[i]);
      ASSERT_NE(f, nullptr) << expected_id;
      EXPECT_EQ(f->crm_id, std::to_string(expected_id));
    } else {
      const auto* r = std::get_if<PlannedRecord>(&*batch.built[i]);
      ASSERT_NE(r, nullptr) << expected_id;
      EXPECT_EQ(r->crm_id, std::to_string(expected_id));
      const std::string n = std::to_string(expected_id);
      EXPECT_EQ(r->body, "{\"account_name\":\"Acme " + n + "\",\"crm_account_id\":\"" + n + "\",\"employees\":" +
                             std::to_string(expected_id % 100) + ",\"modify_time\":\"2025-11-20T12:00:00Z\"}");
    }
  }
}

TEST(RowBuildPipeline, HandsOutEveryRowBuiltAndInReadOrder) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  for (size_t builders : {1, 2, 3, 8}) {
    std::atomic<bool> stop{false};
    RowBuildPipeline pipeline(CountingReader{200, 37}, builder, stop, {builders, 0});
    EXPECT_EQ(pipeline.builders(), builders);
    BuiltBatch batch;
    size_t id = 0, batches = 0;
    while (pipeline.next(batch)) {
      check_batch(batch, id);
      ++batches;
    }
    EXPECT_EQ(batches, 200u) << builders << " builders";
    EXPECT_EQ(id, 200u * 37) << builders << " builders";
    EXPECT_FALSE(pipeline.next(batch)) << "the end stays the end";
  }
}

TEST(RowBuildPipeline, RowsTheCallerGivesBackAreRefilledByTheReader) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  CountingReader source{100, 37};
  size_t refilled = 0;
  // Refills `out` in place from CountingReader's rows, as the plugin host does: stale rows would show.
  auto reader = [&](std::vector<SourceRow>& out) {
    if (!out.empty()) ++refilled;
    std::vector<SourceRow> fresh;
    if (!source(fresh)) return false;
    SourceRowRefill fill(out);
    for (const SourceRow& row : fresh) {
      if (row.error) {
        fill.add_error(row.columns, row.locator, *row.error);
        continue;
      }
      SourceRow& dst = fill.add(row.columns, row.locator, row.values.size());
      for (size_t c = 0; c < row.values.size(); ++c) {
        if (row.values[c]) {
          SourceRowRefill::set_value(dst.values[c], *row.values[c]);
        } else {
          dst.values[c].reset();
        }
      }
    }
    return true;
  };
  RowBuildPipeline pipeline(reader, builder, stop, {1, 3});
  BuiltBatch batch;
  size_t id = 0;
  while (pipeline.next(batch)) check_batch(batch, id);
  EXPECT_EQ(id, 100u * 37);
  // A read finds no batch to refill before the caller's first batches come back, and when the caller
  // gave back more than the pipeline keeps while the reader was not scheduled: a few, never most.
  EXPECT_GE(refilled, 50u);
}

// The reader fills the pipeline, then waits until the caller has drained it, again and again (a reader
// that gets no CPU while the caller catches up). Every batch the caller gives back must be kept for the
// reader: freeing the ones beyond a small pool made the reader allocate every row of most batches anew.
TEST(RowBuildPipeline, BatchesGivenBackWhileTheReaderWaitsAreAllRefilled) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  constexpr size_t kMaxBatches = 6, kBatches = 120;
  CountingReader source{kBatches, 37};
  std::mutex mu;
  std::condition_variable taken_changed;
  size_t taken = 0, read = 0, fresh = 0;
  auto reader = [&](std::vector<SourceRow>& out) {
    if (read > 0 && read % kMaxBatches == 0) {
      std::unique_lock<std::mutex> lock(mu);
      taken_changed.wait(lock, [&] { return taken == read; });
    }
    if (out.empty()) ++fresh;
    std::vector<SourceRow> rows;
    if (!source(rows)) return false;
    out = std::move(rows);
    ++read;
    return true;
  };
  RowBuildPipeline pipeline(reader, builder, stop, {2, kMaxBatches});
  BuiltBatch batch;
  size_t id = 0;
  while (pipeline.next(batch)) {
    check_batch(batch, id);
    std::lock_guard<std::mutex> lock(mu);
    ++taken;
    taken_changed.notify_all();
  }
  EXPECT_EQ(id, kBatches * 37);
  // The first fill of the pipeline, and the batch the caller holds: nothing after that is new.
  EXPECT_LE(fresh, kMaxBatches + 2) << "batches given back were freed instead of refilled";
}

TEST(RowBuildPipeline, AReadFailureComesAfterTheBatchesReadBeforeIt) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  CountingReader reader{50, 10};
  reader.fail_after = 12;
  RowBuildPipeline pipeline(reader, builder, stop, {2, 3});
  BuiltBatch batch;
  size_t id = 0;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(pipeline.next(batch)) << i;
    check_batch(batch, id);
  }
  EXPECT_THROW(
      {
        try {
          pipeline.next(batch);
        } catch (const SourceError& e) {
          EXPECT_STREQ(e.what(), "source 'export' (plugin 'csv'), stream 'accounts': the plugin failed at batch 12");
          throw;
        }
      },
      SourceError);
  EXPECT_THROW(pipeline.next(batch), SourceError) << "the failure is the answer from then on";
}

TEST(RowBuildPipeline, ReadsAtMostMaxBatchesAheadOfTheCaller) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  std::atomic<size_t> reads{0};
  CountingReader reader{100, 5, &reads};
  RowBuildPipeline pipeline(reader, builder, stop, {2, 4});
  // Without the caller taking anything, the reader fills the four slots and waits.
  for (int i = 0; i < 10000 && reads.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(reads.load(), 4u);
  BuiltBatch batch;
  size_t id = 0;
  ASSERT_TRUE(pipeline.next(batch));
  check_batch(batch, id);
  for (int i = 0; i < 10000 && reads.load() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(reads.load(), 5u) << "one taken, one more read";
}

TEST(RowBuildPipeline, WideRowsAreBoundedByBytesNotOnlyByBatches) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  std::atomic<size_t> reads{0};
  // Batches of 10 rows with a 100 KB name: about 1 MB a batch. With max_bytes 2.5 MB the reader stops
  // after 3 batches although 8 would be allowed by count.
  const std::string wide(100000, 'x');
  size_t id = 0;
  auto read = [&](std::vector<SourceRow>& out) {
    out.clear();
    if (reads.load() == 50) return false;
    for (int i = 0; i < 10; ++i, ++id) {
      SourceRow row;
      row.columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name", "Count"});
      row.values = {std::to_string(id), wide, std::string("1")};
      row.locator = "wide.csv:" + std::to_string(id + 2);
      out.push_back(std::move(row));
    }
    ++reads;
    return true;
  };
  RowBuildPipeline pipeline(read, builder, stop, {2, 8, 2500000});
  for (int i = 0; i < 10000 && reads.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(reads.load(), 3u);
  EXPECT_GT(row_bytes(std::vector<SourceRow>(1, SourceRow{nullptr, {wide}, "", {}})), 100000u);
  BuiltBatch batch;
  size_t batches = 0;
  while (pipeline.next(batch)) {
    ASSERT_EQ(batch.rows.size(), 10u);
    ASSERT_TRUE(batch.built[0].has_value());
    ASSERT_NE(std::get_if<PlannedRecord>(&*batch.built[0]), nullptr);
    ++batches;
  }
  EXPECT_EQ(batches, 50u);
}

TEST(RowBuildPipeline, StopEndsReadingAndTheBatchesAlreadyReadAreStillHandedOut) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  std::atomic<size_t> reads{0};
  RowBuildPipeline pipeline(CountingReader{1000, 5, &reads}, builder, stop, {2, 3});
  BuiltBatch batch;
  size_t id = 0;
  ASSERT_TRUE(pipeline.next(batch));
  check_batch(batch, id);
  stop = true;
  size_t after = 0;
  while (pipeline.next(batch)) {
    check_batch(batch, id);
    ++after;
  }
  EXPECT_LE(after, 4u) << "at most the slots read ahead and the read in progress";
  EXPECT_LE(reads.load(), 5u);
}

TEST(RowBuildPipeline, DestroyedEarlyWhileTheReaderIsAhead) {
  auto mapping = account_mapping();
  RecordBuilder builder(*mapping, {});
  std::atomic<bool> stop{false};
  {
    RowBuildPipeline pipeline(CountingReader{100000, 50}, builder, stop, {3, 8});
    BuiltBatch batch;
    ASSERT_TRUE(pipeline.next(batch));
  }  // joins its threads: the test ends (and ASan sees no leak or use after free)
  SUCCEED();
}

}  // namespace
}  // namespace zra

namespace zra {
namespace {

TEST(PipelineShape, BuildThreadsFromTheEnvironment) {
  ::unsetenv("ZRA_SYNC_BUILD_THREADS");
  EXPECT_EQ(PipelineShape::from_environment().builders, 0u) << "unset: one per core";
  ::setenv("ZRA_SYNC_BUILD_THREADS", "3", 1);
  EXPECT_EQ(PipelineShape::from_environment().builders, 3u);
  for (const char* bad : {"0", "65", "two", "-1", "1.5", "007"}) {
    ::setenv("ZRA_SYNC_BUILD_THREADS", bad, 1);
    try {
      PipelineShape::from_environment();
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("ZRA_SYNC_BUILD_THREADS must be a whole number from 1 to 64 (threads that map rows), got '") +
                    bad + "'");
    }
  }
  ::unsetenv("ZRA_SYNC_BUILD_THREADS");
}

}  // namespace
}  // namespace zra
