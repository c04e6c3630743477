#pragma once
// The primitive reads of date 3.0.1's parser (date.h: read_unsigned, read_signed, read_long_double,
// scan_keyword, std::ws on an istringstream in the C locale), rebuilt on a string_view so that
// TimeFormat reads exactly what date::from_stream reads. Internal to mapping/time_format.cpp.
#include <cmath>
#include <cstddef>
#include <string_view>

namespace zra::mapping_detail::time_text {

// The state of date's istream that matters: a position, the fail bit and the eof bit (set by a peek at
// the end, as istream::peek does).
class Input {
 public:
  static constexpr int kEnd = -1;

  explicit Input(std::string_view text) : text_(text) {}

  // As istream::peek: its sentry fails a stream already at its end (so a second peek there fails).
  int peek() {
    if (eof_) {
      fail_ = true;
      return kEnd;
    }
    if (pos_ == text_.size()) {
      eof_ = true;
      return kEnd;
    }
    return static_cast<unsigned char>(text_[pos_]);
  }
  void skip() { ++pos_; }  // only after a peek that was not kEnd
  bool fail() const { return fail_; }
  bool good() const { return !fail_ && !eof_; }
  void set_fail() { fail_ = true; }
  bool at_end() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  bool fail_ = false;
  bool eof_ = false;
};

// isspace() / ctype::space of the C locale.
inline bool is_c_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
inline char c_upper(int c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); }

// date's read(is, CharT): the next character must be `c`.
inline void read_char(Input& in, char c) {
  int next = in.peek();
  if (next == Input::kEnd || static_cast<char>(next) != c) {
    in.set_fail();
    return;
  }
  in.skip();
}

// std::ws as date calls it for white space in the format (only while the stream is good).
inline void skip_space(Input& in) {
  while (true) {
    int next = in.peek();
    if (next == Input::kEnd || !is_c_space(next)) return;
    in.skip();
  }
}

// date's unguarded ws(is) (in %r): a stream at its end or failed fails (the sentry), else skip_space.
inline void skip_space_or_fail(Input& in) {
  if (!in.good()) {
    in.set_fail();
    return;
  }
  skip_space(in);
}

// read_unsigned: `min_digits` to `max_digits` digits (max 0: no bound), accumulated with unsigned
// wrap-around as date does.
inline unsigned read_unsigned(Input& in, unsigned min_digits, unsigned max_digits) {
  unsigned x = 0, count = 0;
  while (true) {
    int next = in.peek();
    if (next == Input::kEnd || !is_digit(next)) break;
    in.skip();
    ++count;
    x = 10 * x + static_cast<unsigned>(next - '0');
    if (count == max_digits) break;
  }
  if (count < min_digits) in.set_fail();
  return x;
}

// read_signed: an optional sign, then digits as read_unsigned (the sign does not count as a digit).
inline int read_signed(Input& in, unsigned min_digits, unsigned max_digits) {
  int next = in.peek();
  if (next != Input::kEnd && (is_digit(next) || next == '-' || next == '+')) {
    if (next == '-' || next == '+') in.skip();
    unsigned u = read_unsigned(in, min_digits > 1 ? min_digits : 1, max_digits);
    if (!in.fail()) {
      // date negates the int (UB for INT_MIN); the unsigned negation gives the same bits without UB.
      return static_cast<int>(next == '-' ? 0u - u : u);
    }
  }
  if (min_digits > 0) in.set_fail();
  return 0;
}

// read_long_double: digits with at most one '.', `max_chars` characters in all (the '.' counts).
inline long double read_long_double(Input& in, unsigned min_chars, unsigned max_chars) {
  unsigned count = 0, fcount = 0;
  unsigned long long i = 0, f = 0;
  bool fraction = false, point_seen = false;
  while (true) {
    int next = in.peek();
    if (next == Input::kEnd) break;
    if (next == '.' && !point_seen) {
      point_seen = true;
      fraction = true;
    } else {
      if (!is_digit(next)) break;
      if (!fraction) {
        i = 10 * i + static_cast<unsigned>(next - '0');
      } else {
        f = 10 * f + static_cast<unsigned>(next - '0');
        ++fcount;
      }
    }
    in.skip();
    if (++count == max_chars) break;
  }
  if (count < min_chars) {
    in.set_fail();
    return 0;
  }
  return i + f / std::pow(10.L, fcount);  // the very expression of date.h, for the same rounding
}

// scan_keyword: the longest keyword the text spells (case-insensitive, ASCII), its index; `count` with
// the fail bit set when none matches. At most 24 keywords.
inline size_t scan_keyword(Input& in, const std::string_view* keywords, size_t count) {
  enum : unsigned char { kNo, kMight, kDoes };
  unsigned char status[24];
  size_t might = count, does = 0;
  for (size_t k = 0; k < count; ++k) status[k] = kMight;
  for (size_t index = 0; !in.fail() && might > 0; ++index) {
    int next = in.peek();
    if (next == Input::kEnd) break;
    char c = c_upper(next);
    bool consume = false;
    for (size_t k = 0; k < count; ++k) {
      if (status[k] != kMight) continue;
      if (c == c_upper(static_cast<unsigned char>(keywords[k][index]))) {
        consume = true;
        if (keywords[k].size() == index + 1) {
          status[k] = kDoes;
          --might;
          ++does;
        }
      } else {
        status[k] = kNo;
        --might;
      }
    }
    if (consume) {
      in.skip();
      if (might + does > 1) {
        for (size_t k = 0; k < count; ++k) {
          if (status[k] == kDoes && keywords[k].size() != index + 1) {
            status[k] = kNo;
            --does;
          }
        }
      }
    }
  }
  for (size_t k = 0; k < count; ++k) {
    if (status[k] == kDoes) return k;
  }
  in.set_fail();
  return count;
}

}  // namespace zra::mapping_detail::time_text
