// Fuzzes core/schema: validate_record on arbitrary JSON, and the format checks on arbitrary text.
// Input: byte 0 picks the object type (account, contact, deal, lead), the rest is JSON text (and is also
// given as is to is_valid_email / is_iso8601_date / is_iso8601_datetime).
// Checks, beyond "no crash, no leak, no UB":
//  - every issue has a detail, valid UTF-8 (details go to reports, logs and the state store);
//  - a record with no issue is an object holding only fields of the type's table, with its id;
//  - a key the table does not know is always reported;
//  - is_iso8601_date / is_iso8601_datetime agree with a regex-and-calendar reference.
#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/schema/object_types.h"
#include "core/schema/record_validator.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;

bool reference_calendar_date(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool reference_date(const std::string& s) {
  static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  return std::regex_match(s, m, re) && reference_calendar_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
}

bool reference_datetime(const std::string& s) {
  static const std::regex re(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return false;
  if (!reference_calendar_date(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]))) return false;
  if (std::stoi(m[4]) > 23 || std::stoi(m[5]) > 59 || std::stoi(m[6]) > 59) return false;
  if (m[9].matched && (std::stoi(m[9]) > 23 || std::stoi(m[10]) > 59)) return false;
  return true;
}

void fuzz_formats(const std::string& text) {
  (void)zra::is_valid_email(text);
  if (text.size() > 48) return;  // the references use std::regex: keep them cheap
  check(zra::is_iso8601_date(text) == reference_date(text), "is_iso8601_date agrees with the reference", text);
  check(zra::is_iso8601_datetime(text) == reference_datetime(text), "is_iso8601_datetime agrees with the reference",
        text);
}

void fuzz_record(zra::ObjectType type, const nlohmann::json& record) {
  const auto issues = zra::validate_record(type, record);
  const zra::ObjectTypeSpec& spec = zra::object_spec(type);
  for (const auto& issue : issues) {
    check(!issue.detail.empty(), "every issue has a detail");
    check(zra::fuzz::reference_utf8(issue.detail), "an issue detail is valid UTF-8", issue.detail);
    check(zra::fuzz::reference_utf8(issue.field), "an issue field is valid UTF-8", issue.field);
  }
  if (!record.is_object()) {
    check(issues.size() == 1, "a non-object gets exactly one issue");
    return;
  }
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (spec.field(it.key()) != nullptr) continue;
    bool reported = false;
    for (const auto& issue : issues) reported = reported || issue.field == it.key();
    check(reported, "an unknown key is reported", it.key());
  }
  if (issues.empty()) {
    auto id = record.find(std::string(spec.id_field));
    check(id != record.end() && id->is_string() && !id->get<std::string>().empty(),
          "a valid record has its id", record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const zra::ObjectType type = zra::kAllObjectTypes[bytes[0] % zra::kAllObjectTypes.size()];
  const std::string text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  fuzz_formats(text);
  const nlohmann::json record = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return 0;
  fuzz_record(type, record);
  return 0;
}
