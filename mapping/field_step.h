#pragma once
// One compiled step of a mapping: how one target field gets its value from a row. Built by
// field_compiler.cpp from the mapping file, run by Mapping::apply() through evaluate().
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mapping/mapping.h"
#include "mapping/text_template.h"
#include "mapping/time_conversion.h"

namespace zra::mapping_detail {

// The JSON type one value converts to (for an array field: each element's type).
enum class ValueKind { String, Email, Number, Integer, Bool, Date, DateTime };
enum class TextTransform { Trim, Lower, Upper, NullIfEmpty };
enum class SourceKind { Column, Constant, Template };

// A field's `map`: source value -> value (nullopt: the value becomes absent), exact byte equality. A map
// of a few entries (the usual case) is searched linearly, comparing lengths first: cheaper per value
// than a tree's string comparisons. Larger maps use the tree.
class ValueMap {
 public:
  // Sets the entry for `from` (a later one for the same `from` replaces the earlier).
  void set(const std::string& from, std::optional<std::string> to) {
    auto [it, added] = index_.emplace(from, entries_.size());
    if (added) {
      entries_.push_back(Entry{from, std::move(to)});
    } else {
      entries_[it->second].to = std::move(to);
    }
  }
  bool empty() const { return entries_.empty(); }
  // The entry for `text`, or nullptr when the map has none.
  const std::optional<std::string>* find(std::string_view text) const {
    if (entries_.size() <= kLinear) {
      for (const Entry& e : entries_) {
        if (e.from.size() == text.size() && std::string_view(e.from) == text) return &e.to;
      }
      return nullptr;
    }
    auto it = index_.find(text);
    return it == index_.end() ? nullptr : &entries_[it->second].to;
  }

 private:
  static constexpr size_t kLinear = 16;
  struct Entry {
    std::string from;
    std::optional<std::string> to;
  };
  std::vector<Entry> entries_;                        // unique `from`s, in the order first set
  std::map<std::string, size_t, std::less<>> index_;  // from -> index into entries_
};

struct FieldStep {
  std::string target;  // the ZRA field
  size_t position = 0; // of the field in the mapping file, for reporting issues in that order
  SourceKind source = SourceKind::Column;
  int slot = -1;                     // Column: index into the mapping's referenced columns
  TextTemplate text_template;        // Template
  std::vector<int> template_slots;   // Template: one slot per placeholder
  std::optional<MappedValue> constant;  // Constant: the final value, computed when compiled

  bool keep_whitespace = false;
  bool keep_empty = false;
  std::vector<TextTransform> transforms;
  ValueMap value_map;
  std::optional<MappedValue> default_value;  // final value, converted when compiled

  ValueKind kind = ValueKind::String;
  bool is_array = false;
  std::string separator;  // `split`; empty: the whole value is one element
  std::string item_key;   // `as`: each element becomes {item_key: element}
  TimeSpec time;          // Date and DateTime
};

enum class Outcome { Value, Absent, Failed };

// Runs a step on the text a row gave it (`present` false: NULL or no such column; `text` is then
// ignored): trim, transforms, map,
// empty-means-absent, default, type conversion, split/as. Value: `out` holds the value (its buffers
// reused). Absent: the field is omitted. Failed: `error` says what and why. `work` is scratch space
// for rewritten text (not `out.text`, not what `text` points into). Never throws for data problems.
// (The text and its presence go in registers: an optional<string_view> argument is passed in memory
// and its reload after separately stored members stalled store forwarding on every field.)
Outcome evaluate(const FieldStep& step, std::string_view text, bool present, MappedValue& out, std::string& work,
                 std::string& error);

// The conversion part alone (split/as, type), for a value that is already final text: used for
// `default` at compile time (without `map`) and by evaluate(). `text` must not point into `out.text`.
Outcome convert(const FieldStep& step, std::string_view text, bool apply_map, MappedValue& out,
                std::string& error);

// A value as JSON (Absent gives null).
nlohmann::json to_json_value(const MappedValue& value);

}  // namespace zra::mapping_detail
