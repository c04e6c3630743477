// Fuzzes mapping/: Mapping::compile and Mapping::apply, both ways round.
// Input: byte 0 — bit 0 picks the mode, bits 1-2 the object type.
//   mode 0, random rows through a fixed mapping: the rest is one row, one cell per line, in the column
//     order of kColumns below ("\N" alone is NULL, a missing line is absent); each type has a fixed mapping
//     that uses every option (types, formats, zones with DST, templates, split/as, map, default...).
//   mode 1, a random mapping over fixed rows: the rest is mapping YAML, compiled for the type and applied
//     to realistic, empty and hostile rows.
// Checks, beyond "no crash, no leak, no UB":
//  - compile throws nothing but ConfigError; apply throws nothing at all;
//  - every issue names its field and says something;
//  - a row that maps cleanly gives a record the validator accepts, but for required fields left absent
//    (mapping converts and checks every value; validation must not find a wrong type or format after it);
//  - from valid UTF-8 cells and mapping text the record is valid UTF-8 (it is sent as JSON);
//  - apply is deterministic and does not depend on which column vector (cache entry) the row uses.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/yaml_reader.h"
#include "core/common/errors.h"
#include "core/schema/record_validator.h"
#include "mapping/mapping.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;

const std::vector<std::string> kColumns = {"Id",   "Name",     "Email", "Amount", "Count", "Flag",  "When",
                                           "Day",  "Team",     "Contacts", "Stage", "First", "Last", "Local"};

// One fixed mapping per object type, in ObjectType order.
const char* const kFixedMappings[] = {
    // account
    R"(timezone: America/New_York
fields:
  crm_account_id: Id
  account_name: { template: "{First} {Last}, {Name}" }
  modify_time: { from: When }
  create_time: { from: Local, format: "%m/%d/%Y %I:%M %p", timezone: Europe/Berlin }
  annual_revenue: { from: Amount, type: number }
  employees: { from: Count, default: 0 }
  owner_email: { from: Email, transform: [trim, lower] }
  deletion: { from: Flag, type: bool }
  industry: { from: Stage, transform: [upper], map: { "A": Alpha, "B": ~ } }
  domain: { from: Name, keep_whitespace: true, keep_empty: true }
  type: { value: Customer }
  phone: { from: Team, keep_empty: true, transform: [null_if_empty] }
)",
    // contact
    R"(fields:
  crm_contact_id: { from: Id, keep_whitespace: true }
  contact_name: { template: "{{{First}}} {Last}" }
  modify_time: { from: When, format: "%FT%T%z" }
  create_time: { from: Day, type: datetime, format: "%d.%m.%Y", timezone: Australia/Lord_Howe }
  contact_email: Email
  crm_account_id: Name
  department: { from: Stage, transform: [lower] }
  owner_email: { from: Local, default: owner@acme.example }
)",
    // deal
    R"(timezone: Europe/Berlin
fields:
  crm_deal_id: Id
  crm_account_id: Name
  deal_name: { template: "{Name} - {Stage}" }
  modify_time: When
  owner_email: Email
  stage: { from: Stage, map: { "Closed - Won": Closed Won, "n/a": ~ } }
  amount: Amount
  probability: { from: Count, type: number }
  close_date: { from: Day, type: date, format: "%d.%m.%Y" }
  stage_modify_time: { from: Local, timezone: America/Sao_Paulo }
  contacts: { from: Contacts, split: ";", as: crm_contact_id }
  team_member_emails: { from: Team, split: ";", map: { "me": me@acme.example } }
  is_private: Flag
)",
    // lead
    R"(fields:
  crm_lead_id: Id
  lead_name: { template: "{First} {Last}" }
  modify_time: { from: Day, type: datetime }
  create_time: { from: When, timezone: Asia/Kathmandu }
  lead_email: { from: Email, type: email }
  company: { from: Name, transform: [trim, upper, null_if_empty] }
  deletion: { from: Flag, default: false }
  phone: Amount
  job_title: { from: Contacts, keep_whitespace: true }
)",
};

using Cells = std::vector<std::optional<std::string>>;

// Rows for random mappings: realistic, empty, hostile (kColumns order).
const std::vector<Cells>& fixed_rows() {
  static const std::vector<Cells> rows = {
      {"0017", " Acme Corp ", "Ann.Lee@Acme.example", "1,250,000.50", "1,200", "yes", "2025-11-20T12:00:00Z",
       "20.11.2025", "ann@acme.example; bob@acme.example;;", "c-1; c-2", "Closed - Won", "Marie", "Dubois",
       "11/02/2025 01:30 AM"},
      Cells(kColumns.size()),
      {"", "   ", "jo@", "1e400", "-9223372036854775809", "maybe", "2025-03-09T02:30:00", "31.02.2025", ";;", ";",
       "n/a", "{", "}", "03/09/2025 02:30 AM"},
      {"\xC3\xA9t\xC3\xA9", "\xC2\xA0 Caf\xC3\xA9 \xC2\xA0", "\xC3\xA9@x.example", "1\xC2\xA0" "250\xC2\xA0" "000",
       "9223372036854775807", "T", "9999-12-31T23:59:59.999999999+14:00", "01.01.0000", "me", "\xF0\x9F\x98\x80",
       "B", "\xE2\x80\x8B", "\xC3", "12/31/9999 11:59 PM"},
      {"x", "y", "a@b.c", "-0", "0e0", "0", "0001-01-01T00:00:00-23:59", "29.02.2024", "a@b.c", "a;;b", "A",
       "{First}", "{{", "13/01/2025 00:00 AM"},
  };
  return rows;
}

zra::SourceRow make_row(std::shared_ptr<const std::vector<std::string>> columns, Cells values) {
  zra::SourceRow row;
  row.columns = std::move(columns);
  row.values = std::move(values);
  row.values.resize(row.columns->size());
  row.locator = "fuzz.csv:2";
  return row;
}

bool all_utf8(const Cells& cells) {
  for (const auto& c : cells) {
    if (c && !zra::fuzz::reference_utf8(*c)) return false;
  }
  return true;
}

std::string show(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// `utf8_mapping`: the mapping's own text is UTF-8 (its constants and map targets reach the record).
void check_mapped(const zra::Mapping& mapping, const zra::SourceRow& row, bool utf8_mapping) {
  const zra::MappedRow mapped = mapping.apply(row);
  for (const auto& issue : mapped.issues) {
    check(!issue.field.empty(), "an issue names its field", issue.detail);
    check(!issue.detail.empty(), "an issue says what is wrong", issue.field);
  }
  check(mapped.record.is_object(), "the record is an object");
  if (mapped.ok()) {
    for (const auto& issue : zra::validate_record(mapping.object_type(), mapped.record)) {
      const bool only_absent = issue.detail.rfind("missing required field", 0) == 0 ||
                               issue.detail.rfind("required field", 0) == 0;
      check(only_absent, "a cleanly mapped record passes validation (but for absent required fields)",
            issue.detail + " in " + show(mapped.record));
    }
    if (utf8_mapping && all_utf8(row.values)) {
      try {
        (void)mapped.record.dump();
      } catch (const nlohmann::json::type_error& e) {
        check(false, "a record mapped from UTF-8 is UTF-8", std::string(e.what()) + ": " + show(mapped.record));
      }
    }
  }
  // Same answer again, and through a different column vector (a second cache entry).
  const zra::SourceRow copy = make_row(std::make_shared<const std::vector<std::string>>(*row.columns), row.values);
  const zra::MappedRow again = mapping.apply(copy);
  check(again.record == mapped.record && again.issues.size() == mapped.issues.size(), "apply is deterministic",
        show(mapped.record));
}

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

std::shared_ptr<const zra::Mapping> compile(zra::ObjectType type, const std::string& yaml, const std::string& file) {
  return zra::Mapping::compile(type, zra::parse_config_text(yaml, file, no_env, "sources[0].streams[0].mapping"));
}

const std::shared_ptr<const std::vector<std::string>>& shared_columns() {
  static const auto columns = std::make_shared<const std::vector<std::string>>(kColumns);
  return columns;
}

void fuzz_row(zra::ObjectType type, std::string_view text) {
  static const std::vector<std::shared_ptr<const zra::Mapping>> mappings = [] {
    std::vector<std::shared_ptr<const zra::Mapping>> out;
    for (zra::ObjectType t : zra::kAllObjectTypes) {
      out.push_back(compile(t, kFixedMappings[static_cast<size_t>(t)], "fixed.yaml"));
    }
    return out;
  }();
  Cells cells;
  while (cells.size() < kColumns.size() && !text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view cell = text.substr(0, nl);
    if (cell == "\\N") {
      cells.emplace_back(std::nullopt);
    } else {
      cells.emplace_back(std::string(cell));
    }
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  check_mapped(*mappings[static_cast<size_t>(type)], make_row(shared_columns(), cells), true);
}

void fuzz_mapping_text(zra::ObjectType type, const std::string& yaml) {
  std::shared_ptr<const zra::Mapping> mapping;
  try {
    mapping = compile(type, yaml, "fuzz.yaml");
  } catch (const zra::ConfigError& e) {
    check(e.file() == "fuzz.yaml", "a compile error names the mapping file", e.what());
    return;
  }
  check(mapping->object_type() == type, "the mapping keeps its type");
  const bool utf8_mapping = zra::fuzz::reference_utf8(yaml);
  for (const Cells& cells : fixed_rows()) check_mapped(*mapping, make_row(shared_columns(), cells), utf8_mapping);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const zra::ObjectType type = zra::kAllObjectTypes[(bytes[0] >> 1) & 3];
  const std::string text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  if ((bytes[0] & 1) == 0) {
    fuzz_row(type, text);
  } else {
    fuzz_mapping_text(type, text);
  }
  return 0;
}
