#include "mapping/column_index_cache.h"

#include <array>

namespace zra::mapping_detail {
namespace {

std::atomic<uint64_t> g_next_cache_id{1};

// A few entries per thread: a thread usually maps one stream at a time, sometimes two or three.
struct FrontEntry {
  uint64_t cache_id = 0;
  ColumnList columns;
  std::shared_ptr<const ColumnIndexes> indexes;
};
struct FrontCache {
  std::array<FrontEntry, 4> entries;
  size_t next = 0;
};

}  // namespace

ColumnIndexCache::ColumnIndexCache(std::vector<std::string> names)
    : id_(g_next_cache_id.fetch_add(1, std::memory_order_relaxed)), names_(std::move(names)) {}

const ColumnIndexes& ColumnIndexCache::resolve(const ColumnList& columns) const {
  thread_local FrontCache front;
  for (const auto& e : front.entries) {
    if (e.cache_id == id_ && e.columns == columns) return *e.indexes;
  }
  auto indexes = resolve_shared(columns);
  FrontEntry& slot = front.entries[front.next];
  front.next = (front.next + 1) % front.entries.size();
  slot.cache_id = id_;
  slot.columns = columns;
  slot.indexes = std::move(indexes);
  return *slot.indexes;
}

std::shared_ptr<const ColumnIndexes> ColumnIndexCache::resolve_shared(const ColumnList& columns) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].columns == columns) {
      Entry hit = std::move(entries_[i]);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      entries_.push_back(std::move(hit));
      return entries_.back().indexes;
    }
  }
  auto indexes = std::make_shared<ColumnIndexes>(names_.size(), -1);
  if (columns) {
    for (size_t n = 0; n < names_.size(); ++n) {
      for (size_t c = 0; c < columns->size(); ++c) {
        if ((*columns)[c] == names_[n]) {  // the first of duplicate column names wins
          (*indexes)[n] = static_cast<int>(c);
          break;
        }
      }
    }
  }
  resolutions_.fetch_add(1, std::memory_order_relaxed);
  if (entries_.size() == kSharedEntries) entries_.erase(entries_.begin());
  entries_.push_back(Entry{columns, indexes});
  return indexes;
}

}  // namespace zra::mapping_detail
