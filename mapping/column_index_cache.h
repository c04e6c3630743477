#pragma once
// Resolves the column names a mapping reads to their indexes in a row's column list, once per distinct
// column list (rows of a batch share one `shared_ptr`), so that mapping a row does no name lookups.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zra::mapping_detail {

using ColumnList = std::shared_ptr<const std::vector<std::string>>;
// One index per name the cache was built with; -1 where the column list lacks that name.
using ColumnIndexes = std::vector<int>;

class ColumnIndexCache {
 public:
  explicit ColumnIndexCache(std::vector<std::string> names);

  // The indexes of the cache's names in `columns` (a null list has no columns). The reference stays valid
  // until the calling thread's next resolve() on any cache. Thread-safe: a per-thread front cache answers
  // repeated lists without locking or reference counting; a shared, bounded cache behind a mutex
  // resolves each distinct list once.
  const ColumnIndexes& resolve(const ColumnList& columns) const;

  // How many times a column list was resolved by name (for tests: once per distinct list).
  uint64_t resolutions() const { return resolutions_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    ColumnList columns;  // held so that its address cannot be reused by another list while cached
    std::shared_ptr<const ColumnIndexes> indexes;
  };
  std::shared_ptr<const ColumnIndexes> resolve_shared(const ColumnList& columns) const;

  static constexpr size_t kSharedEntries = 16;
  const uint64_t id_;  // distinguishes caches in the per-thread front cache
  const std::vector<std::string> names_;
  mutable std::mutex mu_;
  mutable std::vector<Entry> entries_;  // most recently used last
  mutable std::atomic<uint64_t> resolutions_{0};
};

}  // namespace zra::mapping_detail
