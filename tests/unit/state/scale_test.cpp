// A million records: change-detection lookups (rate logged, never asserted) and flat memory while
// iterating or exporting (heap growth asserted far below what holding the records would take).
#include <malloc.h>

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <streambuf>

#include "core/state/payload_hash.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

constexpr int kRecords = 1000000;
constexpr int kJournalBatch = 2000;  // the API's items per import call
constexpr int kLookupBatch = 1000;
// Holding 1M ids would take >= 32 MB (one std::string each); a streaming pass stays within a few pages.
constexpr size_t kFlatBytes = 8u << 20;

std::string id_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "acc-%07d", i);
  return buf;
}
std::string payload_of(int i) {
  return R"({"account_name":"Company )" + std::to_string(i) + R"(","crm_account_id":")" + id_of(i) +
         R"(","domain":"example.com","modify_time":"2025-11-20T12:00:00Z"})";
}

size_t heap_in_use() { return mallinfo2().uordblks; }

// CPU seconds of this process: on a shared machine, wall time measures the neighbours too.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Fills a store with kRecords confirmed accounts through the journal, as runs would (2,000 per batch).
void fill(StateStore& store) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  std::vector<JournalItem> items;
  std::vector<SettledItem> settled;
  for (int i = 0; i < kRecords; ++i) {
    items.push_back(JournalItem{id_of(i), payload_hash(payload_of(i), kNewStateHashScheme), "accounts", "accounts.csv:" + std::to_string(i + 2), false});
    settled.push_back(SettledItem{items.back().crm_id, ItemOutcome::Confirmed, ""});
    if (items.size() == kJournalBatch) {
      const int64_t batch = store.journal_batch("run-1", ObjectType::Account, items);
      store.journal_task_id(batch, "task-" + std::to_string(batch));
      store.settle_batch(batch, settled);
      items.clear();
      settled.clear();
    }
  }
  std::printf("[ state    ] journalled and settled %d records in %.2f s (%.2f s CPU)\n", kRecords,
              seconds_since(start), cpu_seconds() - cpu_start);
}

void lookups_in_scrambled_order(StateStore& store) {
  // Ids come from the source in no particular order: visit them in a scrambled permutation.
  std::vector<std::string> ids;
  ids.reserve(kLookupBatch);
  int64_t found = 0, matching = 0;
  double lookup_seconds = 0, lookup_cpu = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < kRecords; ++n) {
    ids.push_back(id_of(static_cast<int>((static_cast<int64_t>(n) * 7919) % kRecords)));
    if (ids.size() < kLookupBatch) continue;
    const auto t = std::chrono::steady_clock::now();
    const double c = cpu_seconds();
    auto states = store.lookup(ObjectType::Account, ids);
    lookup_cpu += cpu_seconds() - c;
    lookup_seconds += seconds_since(t);
    for (size_t k = 0; k < states.size(); ++k) {
      if (!states[k] || states[k]->outcome != RecordOutcome::Confirmed) continue;
      ++found;
      if (k == 0 && states[k]->payload_hash == payload_hash(payload_of(std::stoi(ids[k].substr(4))), kNewStateHashScheme)) ++matching;
    }
    ids.clear();
  }
  const double total = seconds_since(start);
  EXPECT_EQ(found, kRecords);
  EXPECT_EQ(matching, kRecords / kLookupBatch);
  std::printf("[ state    ] %d lookups in batches of %d: %.3f s in lookup() (%.3f s CPU) = %.2f M lookups/s "
              "(%.2f M/s by CPU time; %.3f s with the test's own work)\n", kRecords, kLookupBatch, lookup_seconds,
              lookup_cpu, kRecords / lookup_seconds / 1e6, kRecords / lookup_cpu / 1e6, total);
}

void lookups_in_id_order(StateStore& store) {
  // A source that reads in id order (ODBC with ORDER BY, sorted exports): consecutive batches share pages.
  std::vector<std::string> ids;
  int64_t found = 0;
  double lookup_seconds = 0, lookup_cpu = 0;
  for (int n = 0; n < kRecords; ++n) {
    ids.push_back(id_of(n));
    if (ids.size() < kLookupBatch) continue;
    const auto t = std::chrono::steady_clock::now();
    const double c = cpu_seconds();
    auto states = store.lookup(ObjectType::Account, ids);
    lookup_cpu += cpu_seconds() - c;
    lookup_seconds += seconds_since(t);
    for (const auto& s : states) found += s.has_value() ? 1 : 0;
    ids.clear();
  }
  EXPECT_EQ(found, kRecords);
  std::printf("[ state    ] %d lookups in id order: %.3f s (%.3f s CPU) = %.2f M lookups/s (%.2f M/s by CPU time)\n",
              kRecords, lookup_seconds, lookup_cpu, kRecords / lookup_seconds / 1e6, kRecords / lookup_cpu / 1e6);
}

void hashing() {
  const auto start = std::chrono::steady_clock::now();
  size_t checksum = 0;
  for (int i = 0; i < kRecords; ++i) checksum += static_cast<unsigned char>(payload_hash(payload_of(i), kNewStateHashScheme)[0]);
  const double s = seconds_since(start);
  EXPECT_GT(checksum, 0u);
  std::printf("[ state    ] %d payload hashes (with building each payload) in %.3f s\n", kRecords, s);
}

// The merge-join's walk over the state (read_records_page) keeps the heap flat over a million records.
void ordered_scan_is_flat(StateStore& store) {
  malloc_trim(0);
  const size_t base = heap_in_use();
  size_t peak = base;
  int64_t count = 0;
  std::string last;
  bool ordered = true;
  std::vector<StoredRecord> page;
  for (;;) {
    const size_t n = store.read_records_page(ObjectType::Account, count == 0 ? nullptr : &last, 2000, page);
    for (size_t i = 0; i < n; ++i) {
      ordered = ordered && (count == 0 && i == 0 ? true : last < page[i].crm_id);
      last = page[i].crm_id;
    }
    count += static_cast<int64_t>(n);
    peak = std::max(peak, heap_in_use());
    if (n < 2000) break;
  }
  EXPECT_EQ(count, kRecords);
  EXPECT_TRUE(ordered);
  EXPECT_LT(peak - base, kFlatBytes) << "heap grew by " << (peak - base) << " bytes";
  std::printf("[ state    ] ordered scan over %lld records: heap grew by at most %zu KiB\n",
              static_cast<long long>(count), (peak - base) / 1024);
}

// Counts lines and samples the heap as the export streams through it (buffered, like a file would be).
class SamplingSink : public std::streambuf {
 public:
  SamplingSink() { setp(buffer_, buffer_ + sizeof buffer_); }
  int64_t lines = 0;
  size_t peak = 0;

 protected:
  int_type overflow(int_type c) override {
    drain();
    if (c != traits_type::eof()) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  void drain() {
    for (const char* p = pbase(); p != pptr(); ++p) lines += *p == '\n' ? 1 : 0;
    peak = std::max(peak, heap_in_use());
    setp(buffer_, buffer_ + sizeof buffer_);
  }
  char buffer_[1 << 16];
};

void export_is_flat(StateStore& store) {
  malloc_trim(0);
  SamplingSink sink;
  sink.peak = heap_in_use();
  const size_t base = sink.peak;
  std::ostream out(&sink);
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  store.export_jsonl(out);
  out.flush();
  EXPECT_EQ(sink.lines, kRecords);
  EXPECT_LT(sink.peak - base, kFlatBytes) << "heap grew by " << (sink.peak - base) << " bytes";
  std::printf("[ state    ] export of %lld records in %.2f s (%.2f s CPU): heap grew by at most %zu KiB\n",
              static_cast<long long>(sink.lines), seconds_since(start), cpu_seconds() - cpu_start,
              (sink.peak - base) / 1024);
}

// One test, one process: ctest runs each test in its own process, and filling 1M records is the slow part.
TEST(StateScale, AMillionRecords) {
  state_test::TempDir dir;
  ManualClock clock;
  auto store = StateStore::open(dir.file("state.db"), clock);
  fill(*store);
  {
    SCOPED_TRACE("lookups in scrambled order");
    lookups_in_scrambled_order(*store);
  }
  {
    SCOPED_TRACE("lookups in id order");
    lookups_in_id_order(*store);
  }
  hashing();
  {
    SCOPED_TRACE("ordered scan");
    ordered_scan_is_flat(*store);
  }
  {
    SCOPED_TRACE("export");
    export_is_flat(*store);
  }
}

}  // namespace
}  // namespace zra
