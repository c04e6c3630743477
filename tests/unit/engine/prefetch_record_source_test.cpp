// PrefetchRecordSource: the inner source's records in its order, whatever the batch size; a failure
// after the records read before it; an early stop that does not hang.
#include "core/engine/prefetch_record_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace zra {
namespace {

// Records "id-0" ... "id-<n-1>"; throws instead of the record at `throw_at` (if any).
class CountingSource : public RecordSource {
 public:
  explicit CountingSource(size_t n, size_t throw_at = SIZE_MAX, std::atomic<size_t>* served = nullptr)
      : n_(n), throw_at_(throw_at), served_(served) {}
  bool next(PlannedRecord& out) override {
    if (i_ == throw_at_) throw std::runtime_error("spool file x.spool is damaged at byte 42");
    if (i_ >= n_) return false;
    out.crm_id = "id-" + std::to_string(i_);
    out.body = std::string(i_ % 50, 'b');
    out.sequence = i_++;
    if (served_ != nullptr) served_->store(i_);
    return true;
  }

 private:
  size_t n_, throw_at_, i_ = 0;
  std::atomic<size_t>* served_;
};

class PrefetchOrder : public ::testing::TestWithParam<std::tuple<size_t, size_t>> {};

TEST_P(PrefetchOrder, HandsOutEveryRecordOnceInOrder) {
  const auto [records, batch] = GetParam();
  PrefetchRecordSource source(std::make_unique<CountingSource>(records), batch, 2);
  PlannedRecord rec;
  size_t seen = 0;
  while (source.next(rec)) {
    ASSERT_EQ(rec.crm_id, "id-" + std::to_string(seen));
    ASSERT_EQ(rec.sequence, seen);
    ASSERT_EQ(rec.body.size(), seen % 50);
    ++seen;
  }
  EXPECT_EQ(seen, records);
  EXPECT_FALSE(source.next(rec)) << "the end stays the end";
}

INSTANTIATE_TEST_SUITE_P(Sizes, PrefetchOrder,
                         ::testing::Combine(::testing::Values(size_t{0}, size_t{1}, size_t{511}, size_t{512},
                                                              size_t{513}, size_t{5000}),
                                            ::testing::Values(size_t{1}, size_t{3}, size_t{512})));

TEST(Prefetch, AFailureComesAfterTheRecordsBeforeItAndStays) {
  PrefetchRecordSource source(std::make_unique<CountingSource>(1000, 700), 64, 2);
  PlannedRecord rec;
  size_t seen = 0;
  try {
    while (source.next(rec)) ++seen;
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "spool file x.spool is damaged at byte 42");
  }
  EXPECT_EQ(seen, 700u);
  EXPECT_THROW(source.next(rec), std::runtime_error);
}

TEST(Prefetch, ReadsAtMostTheBatchesAheadAndStopsWhenDestroyedEarly) {
  std::atomic<size_t> served{0};
  {
    PrefetchRecordSource source(std::make_unique<CountingSource>(1000000, SIZE_MAX, &served), 100, 2);
    PlannedRecord rec;
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(source.next(rec));
    // The consumer holds one batch; two wait; the thread may be filling one more.
    EXPECT_LE(served.load(), 400u);
  }
  EXPECT_LE(served.load(), 400u) << "destroying it stopped the reading";
}

}  // namespace
}  // namespace zra
