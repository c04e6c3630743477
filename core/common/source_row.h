#pragma once
// One row as the host holds it after copying it out of a plugin's batch.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zra {

struct SourceRow {
  // Column names, shared by all rows of a batch (and usually of a stream).
  std::shared_ptr<const std::vector<std::string>> columns;
  // One value per column; nullopt = NULL / absent.
  std::vector<std::optional<std::string>> values;
  // Where the row is in the source: "accounts.csv:1042", "accounts#Id=0017", "GET /contacts page 7 item 12".
  std::string locator;
  // Set when the plugin could not read this row (then `values` is meaningless): a `source` phase error.
  std::optional<std::string> error;
};

// Refills a batch in place: the rows it held before (and their strings' capacity) are reused, so a
// steady stream of batches allocates almost nothing. Rows past the last add() are dropped when the
// refill ends (also when a reader throws half-way).
class SourceRowRefill {
 public:
  explicit SourceRowRefill(std::vector<SourceRow>& rows) : rows_(rows) {}
  ~SourceRowRefill() { rows_.resize(used_); }
  SourceRowRefill(const SourceRowRefill&) = delete;
  SourceRowRefill& operator=(const SourceRowRefill&) = delete;

  // The next row, sharing `columns`, with `locator`, no error and `n_values` values, each to be set
  // with set_value() or reset() (until then they hold the reused row's old values).
  SourceRow& add(const std::shared_ptr<const std::vector<std::string>>& columns, std::string_view locator,
                 size_t n_values) {
    SourceRow& row = used_ < rows_.size() ? rows_[used_] : rows_.emplace_back();
    ++used_;
    if (row.columns != columns) row.columns = columns;  // the same pointer: no reference-count traffic
    row.locator.assign(locator.data(), locator.size());
    row.error.reset();
    row.values.resize(n_values);
    return row;
  }
  // The next row as a source error (`values` empty).
  void add_error(const std::shared_ptr<const std::vector<std::string>>& columns, std::string_view locator,
                 std::string_view error) {
    SourceRow& row = add(columns, locator, 0);
    row.error.emplace(error.data(), error.size());
  }
  static void set_value(std::optional<std::string>& slot, std::string_view text) {
    if (slot) {
      slot->assign(text.data(), text.size());
    } else {
      slot.emplace(text.data(), text.size());
    }
  }
  size_t added() const { return used_; }

 private:
  std::vector<SourceRow>& rows_;
  size_t used_ = 0;
};

}  // namespace zra
