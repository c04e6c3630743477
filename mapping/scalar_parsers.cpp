#include "mapping/scalar_parsers.h"

#include <array>
#include <charconv>
#include <cmath>

#include "mapping/text_ops.h"

namespace zra::mapping_detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of a grouping separator at s[i], or 0: ',', ' ', U+00A0 (C2 A0), U+202F (E2 80 AF).
size_t separator_length(std::string_view s, size_t i) {
  if (s[i] == ',' || s[i] == ' ') return 1;
  if (static_cast<unsigned char>(s[i]) < 0x80) return 0;  // the common '.', digit or end: no comparisons
  if (s.compare(i, 2, "\xC2\xA0") == 0) return 2;
  if (s.compare(i, 3, "\xE2\x80\xAF") == 0) return 3;
  return 0;
}

// Text being built for from_chars: on the stack unless it is unusually long (no allocation per value).
class NumberText {
 public:
  void clear() {
    size_ = 0;
    long_.clear();
  }
  void push_back(char c) {
    if (size_ < short_.size()) {
      short_[size_++] = c;
      return;
    }
    if (size_ == short_.size()) long_.assign(short_.data(), size_);
    long_.push_back(c);
    ++size_;
  }
  const char* data() const { return size_ <= short_.size() ? short_.data() : long_.data(); }
  size_t size() const { return size_; }

 private:
  std::array<char, 64> short_;
  size_t size_ = 0;
  std::string long_;
};

// The shape of a decimal number, with grouping separators removed.
struct CleanNumber {
  NumberText text;  // sign, digits, '.', digits, 'e', sign, digits: what from_chars reads
  bool integral_form = true;  // no fraction and no exponent
};

// Checks the shape and strips grouping. Returns false on anything that is not a plain decimal number.
bool clean_number(std::string_view s, CleanNumber& out) {
  out.text.clear();
  out.integral_form = true;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') out.text.push_back('-');
    ++i;
  }
  // Integer part, with optional grouping: first group 1-3 digits, then groups of exactly 3.
  size_t int_digits = 0, group_digits = 0, groups = 0;
  size_t sep_len = 0;  // the separator in use: one kind only
  std::string_view sep_kind;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      out.text.push_back(s[i]);
      ++int_digits;
      ++group_digits;
      ++i;
      continue;
    }
    size_t len = separator_length(s, i);
    if (len == 0) break;
    std::string_view kind = s.substr(i, len);
    if (sep_len != 0 && (len != sep_len || (len == 1 ? kind[0] != sep_kind[0] : kind != sep_kind))) return false;
    if (group_digits == 0 || (groups == 0 && group_digits > 3) || (groups > 0 && group_digits != 3)) return false;
    sep_len = len;
    sep_kind = kind;
    ++groups;
    group_digits = 0;
    i += len;
  }
  if (groups > 0 && group_digits != 3) return false;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    out.integral_form = false;
    out.text.push_back('.');
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      out.text.push_back(s[i++]);
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    out.integral_form = false;
    out.text.push_back('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.text.push_back(s[i++]);
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) {
      out.text.push_back(s[i++]);
      ++exp_digits;
    }
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

bool parse_number(std::string_view text, double& out, std::string& error) {
  std::string_view s = trim_view(text);
  CleanNumber clean;
  if (!clean_number(s, clean)) {
    error = "cannot parse " + in_quotes(text) + " as a number";
    return false;
  }
  const char* first = clean.text.data();
  const char* last = first + clean.text.size();
  auto [end, ec] = std::from_chars(first, last, out);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && !std::isfinite(out))) {
    error = "number " + in_quotes(text) + " is out of range";
    return false;
  }
  if (ec != std::errc() || end != last) {
    error = "cannot parse " + in_quotes(text) + " as a number";
    return false;
  }
  return true;
}

bool parse_integer(std::string_view text, int64_t& out, std::string& error) {
  std::string_view s = trim_view(text);
  CleanNumber clean;
  if (!clean_number(s, clean)) {
    error = "cannot parse " + in_quotes(text) + " as an integer";
    return false;
  }
  const char* first = clean.text.data();
  const char* last = first + clean.text.size();
  if (clean.integral_form) {
    auto [end, ec] = std::from_chars(first, last, out);
    if (ec == std::errc::result_out_of_range) {
      error = "integer " + in_quotes(text) + " is out of range";
      return false;
    }
    if (ec != std::errc() || end != last) {
      error = "cannot parse " + in_quotes(text) + " as an integer";
      return false;
    }
    return true;
  }
  double d = 0;
  auto [end, ec] = std::from_chars(first, last, d);
  if (ec != std::errc() || end != last || !std::isfinite(d)) {
    error = "integer " + in_quotes(text) + " is out of range";
    return false;
  }
  if (d != std::trunc(d)) {
    error = in_quotes(text) + " is not a whole number";
    return false;
  }
  // 2^63 is exactly representable; every double below it and >= -2^63 fits in int64.
  if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    error = "integer " + in_quotes(text) + " is out of range";
    return false;
  }
  out = static_cast<int64_t>(d);
  return true;
}

bool parse_bool(std::string_view text, bool& out, std::string& error) {
  std::string_view s = trim_view(text);
  if (s.size() <= 5) {
    char buf[5];
    for (size_t i = 0; i < s.size(); ++i) buf[i] = ascii_lower(s[i]);
    std::string_view l(buf, s.size());
    if (l == "1" || l == "true" || l == "yes" || l == "y" || l == "t") {
      out = true;
      return true;
    }
    if (l == "0" || l == "false" || l == "no" || l == "n" || l == "f") {
      out = false;
      return true;
    }
  }
  error = "cannot parse " + in_quotes(text) + " as a boolean (expected true/false, yes/no, y/n, t/f or 1/0)";
  return false;
}

}  // namespace zra::mapping_detail
