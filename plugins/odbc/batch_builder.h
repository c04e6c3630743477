#pragma once
// Collects rows into one zra_batch whose memory the plugin owns until the next call (ABI contract).
// Values are appended to one arena; pointers into it are fixed only in finish(), so the arena may grow.
#include <optional>
#include <string>
#include <vector>

#include "zra_sync/plugin.h"

namespace zra::odbc {

class BatchBuilder {
 public:
  explicit BatchBuilder(std::vector<std::string> column_names);

  // Drops the rows of the previous batch (keeping capacity).
  void clear();
  size_t row_count() const { return locators_.size(); }
  size_t column_count() const { return names_.size(); }

  // Row construction: start_row, then exactly column_count() add_* (append_to_last extends the last
  // non-NULL value), optionally set_row_error, then finish_row with its locator.
  void start_row();
  void add_null();
  void add_value(const char* data, size_t size);
  void append_to_last(const char* data, size_t size);
  void set_row_error(std::string message);
  void finish_row(std::string locator);

  // The value `column` of the row being built (nullopt when NULL). Valid until the next add/append.
  std::optional<std::string> current_value(size_t column) const;

  // The batch, valid until clear() or destruction.
  const zra_batch* finish();

 private:
  struct Slot {
    size_t offset = 0;
    size_t size = 0;
    bool null = true;
  };
  std::vector<std::string> names_;
  std::vector<const char*> name_pointers_;
  std::string arena_;
  std::vector<Slot> slots_;
  std::vector<std::string> locators_;
  std::vector<std::optional<std::string>> errors_;
  std::optional<std::string> pending_error_;
  size_t row_start_ = 0;
  std::vector<zra_value> values_;
  std::vector<zra_row> rows_;
  zra_batch batch_{};
};

}  // namespace zra::odbc
