#include "plugins/odbc/batch_builder.h"

namespace zra::odbc {

BatchBuilder::BatchBuilder(std::vector<std::string> column_names) : names_(std::move(column_names)) {
  for (const auto& n : names_) name_pointers_.push_back(n.c_str());
}

void BatchBuilder::clear() {
  arena_.clear();
  slots_.clear();
  locators_.clear();
  errors_.clear();
  pending_error_.reset();
}

void BatchBuilder::start_row() {
  row_start_ = slots_.size();
  pending_error_.reset();
}

void BatchBuilder::add_null() { slots_.push_back(Slot{}); }

void BatchBuilder::add_value(const char* data, size_t size) {
  slots_.push_back(Slot{arena_.size(), size, false});
  arena_.append(data, size);
}

void BatchBuilder::append_to_last(const char* data, size_t size) {
  // The last slot's bytes are the arena's tail, so appending extends it in place.
  slots_.back().size += size;
  arena_.append(data, size);
}

void BatchBuilder::set_row_error(std::string message) { pending_error_ = std::move(message); }

void BatchBuilder::finish_row(std::string locator) {
  locators_.push_back(std::move(locator));
  errors_.push_back(std::move(pending_error_));
  pending_error_.reset();
}

std::optional<std::string> BatchBuilder::current_value(size_t column) const {
  const size_t index = row_start_ + column;
  if (index >= slots_.size() || slots_[index].null) return std::nullopt;
  return arena_.substr(slots_[index].offset, slots_[index].size);
}

const zra_batch* BatchBuilder::finish() {
  const size_t n_rows = locators_.size();
  const size_t n_cols = names_.size();
  values_.resize(slots_.size());
  for (size_t i = 0; i < slots_.size(); ++i) {
    values_[i] = slots_[i].null ? zra_value{nullptr, 0} : zra_value{arena_.data() + slots_[i].offset, slots_[i].size};
  }
  rows_.resize(n_rows);
  for (size_t r = 0; r < n_rows; ++r) {
    rows_[r].values = values_.data() + r * n_cols;
    rows_[r].locator = locators_[r].c_str();
    rows_[r].error = errors_[r] ? errors_[r]->c_str() : nullptr;
  }
  batch_.struct_size = sizeof(zra_batch);
  batch_.n_columns = static_cast<uint32_t>(n_cols);
  batch_.column_names = name_pointers_.data();
  batch_.n_rows = n_rows;
  batch_.rows = rows_.data();
  return &batch_;
}

}  // namespace zra::odbc
