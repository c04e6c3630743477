#include "mapping/text_template.h"

namespace zra::mapping_detail {

std::string TextTemplate::parse(std::string_view text, TextTemplate& out) {
  out = TextTemplate{};
  std::string* literal = &out.lead_;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal->push_back('}');
        ++i;
        continue;
      }
      return "unmatched '}' at offset " + std::to_string(i) + " (write '}}' for a literal brace)";
    }
    if (c != '{') {
      literal->push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal->push_back('{');
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      return "unclosed '{' at offset " + std::to_string(i) + " (write '{{' for a literal brace)";
    }
    std::string_view column = text.substr(i + 1, close - i - 1);
    if (column.empty()) return "empty placeholder '{}' at offset " + std::to_string(i);
    if (column.find('{') != std::string_view::npos) {
      return "'{' inside the placeholder at offset " + std::to_string(i);
    }
    out.parts_.push_back(Part{std::string(column), {}});
    literal = &out.parts_.back().text_after;
    i = close;
  }
  if (out.parts_.empty()) return "no {column} placeholder (use 'value' for a constant)";
  return "";
}

std::vector<std::string> TextTemplate::columns() const {
  std::vector<std::string> out;
  out.reserve(parts_.size());
  for (const auto& p : parts_) out.push_back(p.column);
  return out;
}

}  // namespace zra::mapping_detail
