// TimeFormat::compile: which conversions, modifiers and widths the mapping's date reader takes, and the
// messages for the others.
#include <algorithm>
#include <cstdlib>

#include "mapping/time_format.h"
#include "mapping/time_text_input.h"

namespace zra::mapping_detail {
namespace {

using time_text::is_digit;

constexpr const char* kSupported =
    "%Y %y %C %m %d %e %H %I %M %S %p %b %B %h %a %A %j %z %F %T %R %D %r %n %t %%";
constexpr const char* kModified = "%EY %Ey %EC %Ez %Od %Oe %OH %OM %Om %OS %Oy %OC %Oz";
constexpr const char* kWidthOn = "%Y %y %C %m %d %e %H %I %M %S %j %F";

// What strftime/date know at all (an unknown letter gets the "unknown conversion" message).
constexpr std::string_view kKnown = "%ABCDFGHIMRSTUVWXYZabcdeghjmnprtuwxyz";

bool supported_letter(char c) { return std::string_view(kSupported).find(c) != std::string_view::npos && c != ' '; }

// The modifiers date 3.0.1 (C locale) honours; with any other it reads the conversion as literal text.
bool accepts_modifier(char c, char modifier) {
  switch (c) {
    case 'Y': return modifier == 'E';
    case 'y': case 'C': case 'z': return true;
    case 'd': case 'e': case 'H': case 'M': case 'm': case 'S': return modifier == 'O';
    default: return false;
  }
}

// The conversions whose digit count date takes from a width; it ignores a width on the others.
bool accepts_width(char c) { return std::string_view("YyCmdeHIMSjF").find(c) != std::string_view::npos; }

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// The steps of read_digits_only for `format` (already validated), or none when it is not plain enough.
std::vector<TimeFormat::DigitStep> digit_steps_of(const std::string& format) {
  using Step = TimeFormat::DigitStep;
  std::vector<Step> steps;
  unsigned seen = 0;  // fields met so far, one bit each: a field read twice needs date's agreement check
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    Step step;
    if (c != '%') {
      step.kind = time_text::is_c_space(static_cast<unsigned char>(c)) ? Step::Kind::Space : Step::Kind::Literal;
      step.literal = c;
      steps.push_back(step);
      continue;
    }
    if (i + 1 >= format.size()) return {};
    step.kind = Step::Kind::Number;
    step.max_digits = 2;
    switch (format[++i]) {
      case 'Y': step.field = Step::Field::Y; step.max_digits = 4; break;
      case 'y': step.field = Step::Field::y; break;
      case 'm': step.field = Step::Field::m; break;
      case 'd': case 'e': step.field = Step::Field::d; break;
      case 'H': step.field = Step::Field::H; break;
      case 'M': step.field = Step::Field::M; break;
      case 'S': step.field = Step::Field::S; step.max_digits = 6; break;  // date reads up to 6 characters
      default: return {};  // any other conversion, a width or a modifier
    }
    const unsigned bit = 1u << static_cast<unsigned>(step.field);
    if ((seen & bit) != 0) return {};
    seen |= bit;
    steps.push_back(step);
  }
  return steps;
}

}  // namespace

TimeFormat::TimeFormat(std::string format) : format_(std::move(format)), digit_steps_(digit_steps_of(format_)) {}

const char* TimeFormat::supported() { return kSupported; }

std::optional<TimeFormat> TimeFormat::compile(std::string_view format_view, std::string& problem) {
  const std::string format(format_view);
  const std::string where = " in format " + in_quotes(format);
  if (format.find('\0') != std::string::npos) {
    problem = "format " + in_quotes(format) + " contains a NUL character";
    return std::nullopt;
  }
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    size_t j = i + 1;
    while (j < format.size() && is_digit(format[j])) ++j;
    const size_t digits = j - (i + 1);
    // date reads a width into an int without a bound (fuzz finding 17); no field needs more than two.
    if (digits > 2) {
      const size_t end = std::min(j + 1, format.size());
      problem = "field width " + in_quotes(format.substr(i, end - i)) + where +
                " is too wide (at most 2 digits, e.g. %4Y)";
      return std::nullopt;
    }
    char modifier = '\0';
    if (j < format.size() && (format[j] == 'E' || format[j] == 'O')) modifier = format[j++];
    if (j >= format.size()) {
      problem = "format " + in_quotes(format) + " ends with an incomplete conversion";
      return std::nullopt;
    }
    const char c = format[j];
    const std::string conversion = format.substr(i, j - i + 1);
    if (kKnown.find(c) == std::string_view::npos) {
      problem = "unknown conversion " + in_quotes(conversion) + where;
      return std::nullopt;
    }
    if (c == 'Z') {
      problem = "conversion " + in_quotes(conversion) + where +
                " is not supported: a time zone abbreviation such as CST names no single offset (use %z for "
                "an offset in the text, or the field's timezone)";
      return std::nullopt;
    }
    if (!supported_letter(c)) {
      problem = "conversion " + in_quotes(conversion) + where + " is not supported (supported: " + kSupported + ")";
      return std::nullopt;
    }
    if (modifier != '\0' && !accepts_modifier(c, modifier)) {
      problem = "conversion " + in_quotes(conversion) + where +
                " is not supported (the E and O modifiers apply only to " + kModified + ")";
      return std::nullopt;
    }
    if (digits > 0) {
      if (!accepts_width(c)) {
        problem = "field width in " + in_quotes(conversion) + where + " is not supported (a width applies only to " +
                  kWidthOn + ")";
        return std::nullopt;
      }
      if (std::atoi(format.substr(i + 1, digits).c_str()) == 0) {
        problem = "field width " + in_quotes(conversion) + where + " must be 1 to 99";
        return std::nullopt;
      }
    }
    i = j;
  }
  return TimeFormat(format);
}

}  // namespace zra::mapping_detail
