#pragma once
// A `template:` of a mapping field, e.g. "{FirstName} {LastName}". Parsed once; rendered per row.
// Rendering skips empty parts cleanly: the text between two placeholders is a separator, written only
// between two present parts (the one after the earlier part is used); the text before the first and
// after the last placeholder is written when at least one part is present. No part present: no value.
#include <string>
#include <string_view>
#include <vector>

namespace zra::mapping_detail {

class TextTemplate {
 public:
  // Parses `text`; "{{" and "}}" are literal braces. Returns "" on success, else what is wrong
  // ("unclosed '{' at offset 6", "empty placeholder '{}' at offset 0", ...).
  static std::string parse(std::string_view text, TextTemplate& out);

  // The column of each placeholder, in order (a column may appear more than once).
  std::vector<std::string> columns() const;

  // Writes the rendered text into `out` and returns true, or returns false when no part is present.
  // `value_of(i)` gives the i-th placeholder's value as a std::string_view; empty means missing.
  template <class ValueOf>
  bool render(const ValueOf& value_of, std::string& out) const {
    out.clear();
    const std::string* separator = nullptr;  // after the last present part
    for (size_t i = 0; i < parts_.size(); ++i) {
      std::string_view v = value_of(i);
      if (v.empty()) continue;
      out += separator == nullptr ? lead_ : *separator;
      out += v;
      separator = &parts_[i].text_after;
    }
    if (separator == nullptr) return false;
    out += parts_.back().text_after;
    return true;
  }

 private:
  struct Part {
    std::string column;
    std::string text_after;  // separator to the next part; for the last part, the trailing text
  };
  std::string lead_;
  std::vector<Part> parts_;
};

}  // namespace zra::mapping_detail
