// Fuzzes the REST plugin's handling of one page (plugins/rest): parse_json_exact, compact_json,
// flatten_record / PageTableBuilder, find_link and the Paginator, as rest_source.cpp chains them.
// Input: byte 0 — bits 0-2 the pagination type (none, page, offset, cursor, next_url, link_header; 6 and 7
// wrap), bit 3 where the records are ("/data" or the whole body); then the Link header up to the first
// newline (an empty line is no header), then the body.
// Checks, beyond "no crash, no leak, no UB":
//  - parse_json_exact throws nothing but JsonSyntaxError, and accepts exactly what nlohmann accepts (but
//    for nesting deeper than it allows);
//  - compact_json is a fixed point: parsing its output and compacting again gives the same text;
//  - a flattened record has unique column names; a page table is rectangular with one error slot per row;
//  - find_link returns text that is in the header, and throws nothing but LinkHeaderError;
//  - served the same page again and again, the paginator stops (or fails) by the second page, never
//    loops, and never leaves the first URL's origin.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "plugins/rest/exact_json.h"
#include "plugins/rest/link_header.h"
#include "plugins/rest/paginator.h"
#include "plugins/rest/record_flattener.h"
#include "plugins/rest/url_builder.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;
using namespace zra::rest;

const std::string kFirstUrl = "https://crm.example/api/contacts?limit=2";

void fuzz_link(const std::string& header) {
  try {
    if (auto target = find_link(header, "next")) {
      check(header.find(*target) != std::string::npos, "a link target is taken from the header", *target);
    }
  } catch (const LinkHeaderError&) {
  }
}

void check_round_trip(const Json& document) {
  const std::string compact = compact_json(document);
  Json again;
  try {
    again = parse_json_exact(compact);
  } catch (const JsonSyntaxError& e) {
    check(false, "compact_json writes JSON", std::string(e.what()) + " in " + compact);
  }
  check(compact_json(again) == compact, "compact_json is a fixed point", compact);
}

void check_table(const Json& records) {
  PageTableBuilder builder;
  size_t objects = 0;
  for (const Json& record : records) {
    if (record.is_object()) {
      ++objects;
      std::unordered_set<std::string> names;
      for (const FlatField& f : flatten_record(record)) {
        check(names.insert(f.name).second, "flattened column names are unique", f.name);
      }
    }
    builder.add(record);
  }
  const PageTable table = builder.take();
  check(table.rows.size() == records.size() && table.row_errors.size() == records.size(), "one row per record");
  std::unordered_set<std::string> columns(table.columns.begin(), table.columns.end());
  check(columns.size() == table.columns.size(), "page columns are unique");
  size_t errors = 0;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    check(table.rows[i].size() == table.columns.size(), "the page table is rectangular");
    if (table.row_errors[i]) ++errors;
  }
  check(errors == records.size() - objects, "exactly the non-objects are error rows");
}

void fuzz_paginator(PaginationType type, const std::string& body, const Json& document, size_t record_count,
                    const std::optional<std::string>& link) {
  PaginationSpec spec;
  spec.type = type;
  spec.param = type == PaginationType::Offset ? "offset" : type == PaginationType::Cursor ? "cursor" : "page";
  spec.size_param = type == PaginationType::Page ? "per_page" : "";
  spec.pointer = type == PaginationType::Cursor ? "/next" : "/links/next";
  Paginator paginator(spec, kFirstUrl, 10);
  int urls = 0;
  for (int page = 0; page < 4; ++page) {
    std::optional<std::string> url;
    try {
      url = paginator.next_url();
    } catch (const PaginationError&) {
      break;
    }
    if (!url) break;
    ++urls;
    check(url_origin(*url) == url_origin(kFirstUrl), "pagination stays on the first URL's origin", *url);
    paginator.on_page(PageResult{*url, body, document, record_count, link});
  }
  check(urls <= 2, "the same page served again stops pagination by the second page");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const auto type = static_cast<PaginationType>((bytes[0] & 7) % 6);
  const bool records_at_data = (bytes[0] & 8) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  const size_t nl = rest.find('\n');
  const std::string header(rest.substr(0, nl));
  const std::string body(nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1));
  const std::optional<std::string> link = header.empty() ? std::nullopt : std::optional<std::string>(header);

  if (link) fuzz_link(*link);

  Json document;
  bool parsed = true;
  bool too_deep = false;  // refused on purpose: the flattener and compact_json recurse per level
  try {
    document = parse_json_exact(body);
  } catch (const JsonSyntaxError& e) {
    parsed = false;
    too_deep = std::string_view(e.what()).find("nested deeper than") != std::string_view::npos;
  }
  if (!too_deep) check(parsed == Json::accept(body), "parse_json_exact accepts what nlohmann accepts", body);
  if (!parsed) return 0;
  check_round_trip(document);

  const Json* records = &document;
  if (records_at_data) {
    const Json::json_pointer pointer("/data");
    if (!document.contains(pointer)) return 0;
    records = &document.at(pointer);
  }
  if (!records->is_array()) return 0;
  check_table(*records);
  fuzz_paginator(type, body, document, records->size(), link);
  return 0;
}
