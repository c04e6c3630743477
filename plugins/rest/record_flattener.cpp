#include "plugins/rest/record_flattener.h"

#include <stdexcept>

namespace zra::rest {
namespace {

bool is_scalar(const Json& v) { return v.is_string() || v.is_number() || v.is_boolean() || is_raw_number(v); }

// The record being built, with an index so a colliding dotted name is found without a scan.
struct FlatRecordBuilder {
  FlatRecord out;
  std::unordered_map<std::string, size_t> index;
};

void set_field(FlatRecordBuilder& b, std::string name, std::optional<std::string> value) {
  auto [it, inserted] = b.index.emplace(name, b.out.size());
  if (inserted) {
    b.out.push_back({std::move(name), std::move(value)});
  } else {
    b.out[it->second].value = std::move(value);
  }
}

std::optional<std::string> array_text(const Json& array) {
  for (const Json& item : array) {
    if (!is_scalar(item)) return compact_json(array);
  }
  std::string joined;
  for (size_t i = 0; i < array.size(); ++i) {
    if (i > 0) joined += ';';
    joined += scalar_text(array[i]);
  }
  return joined;
}

void flatten_into(const Json& object, const std::string& prefix, FlatRecordBuilder& out) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    const Json& v = it.value();
    if (v.is_null()) {
      set_field(out, std::move(name), std::nullopt);
    } else if (v.is_object() && !v.empty()) {
      flatten_into(v, name, out);
    } else if (v.is_object()) {
      set_field(out, std::move(name), std::string("{}"));
    } else if (v.is_array()) {
      set_field(out, std::move(name), array_text(v));
    } else {
      set_field(out, std::move(name), scalar_text(v));
    }
  }
}

}  // namespace

FlatRecord flatten_record(const Json& record) {
  if (!record.is_object()) throw std::invalid_argument(std::string("a ") + record.type_name() + ", not a JSON object");
  FlatRecordBuilder builder;
  flatten_into(record, "", builder);
  return std::move(builder.out);
}

void PageTableBuilder::add(const Json& record) {
  if (!record.is_object()) {
    const char* type = is_raw_number(record) ? "number" : record.type_name();
    table_.rows.emplace_back();
    table_.row_errors.emplace_back(std::string("the item is a ") + type + ", not a JSON object");
    return;
  }
  std::vector<std::optional<std::string>> row(table_.columns.size());
  for (FlatField& field : flatten_record(record)) {
    auto [it, inserted] = index_.emplace(field.name, table_.columns.size());
    if (inserted) {
      table_.columns.push_back(field.name);
      row.resize(table_.columns.size());
    }
    row[it->second] = std::move(field.value);
  }
  table_.rows.push_back(std::move(row));
  table_.row_errors.emplace_back(std::nullopt);
}

PageTable PageTableBuilder::take() {
  for (auto& row : table_.rows) row.resize(table_.columns.size());
  PageTable out = std::move(table_);
  table_ = PageTable{};
  index_.clear();
  return out;
}

}  // namespace zra::rest
