#include "mapping/numeric_time_format.h"

#include <date/date.h>

#include "mapping/text_ops.h"

namespace zra::mapping_detail {
namespace {

// Reads between 1 and `max_digits` digits at text[i], as date::parse does for %Y (4), %m %d %H %M %S (2).
bool read_digits(std::string_view text, size_t& i, size_t max_digits, int& value) {
  size_t start = i;
  value = 0;
  while (i < text.size() && i - start < max_digits && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  return i > start;
}

}  // namespace

std::optional<NumericTimeFormat> NumericTimeFormat::compile(std::string_view format) {
  NumericTimeFormat f;
  auto push = [&f](Op op, char literal = '\0') { f.steps_.push_back(Step{op, literal}); };
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%') {
      if (is_space(c)) {
        push(Op::Space);
      } else {
        push(Op::Literal, c);
      }
      continue;
    }
    if (++i == format.size()) return std::nullopt;
    switch (format[i]) {
      case 'Y': push(Op::Year); break;
      case 'm': push(Op::Month); break;
      case 'd': push(Op::Day); break;
      case 'H': push(Op::Hour); break;
      case 'M': push(Op::Minute); break;
      case 'S': push(Op::Second); break;
      case 'F':  // %Y-%m-%d
        push(Op::Year), push(Op::Literal, '-'), push(Op::Month), push(Op::Literal, '-'), push(Op::Day);
        break;
      case 'T':  // %H:%M:%S
        push(Op::Hour), push(Op::Literal, ':'), push(Op::Minute), push(Op::Literal, ':'), push(Op::Second);
        break;
      case 'R':  // %H:%M
        push(Op::Hour), push(Op::Literal, ':'), push(Op::Minute);
        break;
      case '%': push(Op::Literal, '%'); break;
      default: return std::nullopt;  // widths, modifiers, names, offsets...: date::parse's job
    }
  }
  return f;
}

bool NumericTimeFormat::read(std::string_view text, LocalFields& out) const {
  out = LocalFields{};
  size_t i = 0;
  for (const Step& s : steps_) {
    switch (s.op) {
      case Op::Year:
        if (!read_digits(text, i, 4, out.year)) return false;
        break;
      case Op::Month:
        if (!read_digits(text, i, 2, out.month)) return false;
        break;
      case Op::Day:
        if (!read_digits(text, i, 2, out.day)) return false;
        break;
      case Op::Hour:
        if (!read_digits(text, i, 2, out.hour)) return false;
        break;
      case Op::Minute:
        if (!read_digits(text, i, 2, out.minute)) return false;
        break;
      case Op::Second:
        if (!read_digits(text, i, 2, out.second)) return false;
        if (i < text.size() && text[i] == '.') {  // up to milliseconds; more digits: date::parse decides
          size_t start = ++i;
          int scale = 100;
          while (i < text.size() && i - start < 3 && text[i] >= '0' && text[i] <= '9') {
            out.millisecond += (text[i] - '0') * scale;
            scale /= 10;
            ++i;
          }
          if (i == start) return false;
        }
        break;
      case Op::Space:  // as in date::parse: any amount of white space, none included
        while (i < text.size() && is_space(text[i])) ++i;
        break;
      case Op::Literal:
        if (i >= text.size() || text[i] != s.literal) return false;
        ++i;
        break;
    }
  }
  if (i != text.size()) return false;
  if (out.hour > 23 || out.minute > 59 || out.second > 59) return false;
  date::year_month_day ymd{date::year{out.year}, date::month{static_cast<unsigned>(out.month)},
                           date::day{static_cast<unsigned>(out.day)}};
  return ymd.ok();
}

}  // namespace zra::mapping_detail
