#include "plugins/rest/link_header.h"

#include <cctype>

namespace zra::rest {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool rel_list_contains(std::string_view list, std::string_view rel) {
  size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && std::isspace(static_cast<unsigned char>(list[pos]))) ++pos;
    size_t end = pos;
    while (end < list.size() && !std::isspace(static_cast<unsigned char>(list[end]))) ++end;
    if (end > pos && iequals(list.substr(pos, end - pos), rel)) return true;
    pos = end;
  }
  return false;
}

// A cursor over the header text; each method throws LinkHeaderError naming the offending position.
class LinkParser {
 public:
  explicit LinkParser(std::string_view s) : s_(s) {}

  bool at_end() {
    skip_ws();
    return i_ >= s_.size();
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool accept(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  std::string uri() {
    expect('<');
    size_t end = s_.find('>', i_);
    if (end == std::string_view::npos) fail("unterminated '<'");
    std::string out(s_.substr(i_, end - i_));
    i_ = end + 1;
    return out;
  }
  std::string token() {
    skip_ws();
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '=' && s_[i_] != ';' && s_[i_] != ',' && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
    if (i_ == start) fail("expected a parameter name or value");
    return std::string(s_.substr(start, i_ - start));
  }
  std::string value() {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '"') {
      std::string out;
      for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        out += s_[i_];
      }
      if (i_ >= s_.size()) fail("unterminated quoted string");
      ++i_;
      return out;
    }
    return token();
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw LinkHeaderError("malformed Link header at character " + std::to_string(i_ + 1) + ": " + what);
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<std::string> find_link(std::string_view header, std::string_view rel) {
  LinkParser p(header);
  while (!p.at_end()) {
    if (p.accept(',')) continue;  // empty list elements are allowed
    std::string target = p.uri();
    bool match = false;
    while (p.accept(';')) {
      std::string name = p.token();
      std::string val;
      if (p.accept('=')) val = p.value();
      if (iequals(name, "rel") && rel_list_contains(val, rel)) match = true;
    }
    if (match) return target;
    if (!p.at_end()) p.expect(',');
  }
  return std::nullopt;
}

}  // namespace zra::rest
