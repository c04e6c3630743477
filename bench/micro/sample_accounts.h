#pragma once
// Deterministic benchmark input in the shape of bench/gen_accounts.py's CSV (same columns, same kinds
// of mess), generated in memory so the micro benchmarks need no files but the benchmark mapping.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/source_row.h"
#include "mapping/mapping.h"

namespace zra::bench {

// A header line and `rows` data lines, RFC 4180 quoted where needed. Same `rows` and `seed`, same bytes.
std::string make_accounts_csv(size_t rows, unsigned seed = 42);

// Parses `csv` (header first) with the CSV plugin's parser into rows as the host holds them: an empty
// unquoted field is absent (nullopt), as the csv plugin reports it. Throws std::runtime_error when a
// record has a parse issue.
std::vector<SourceRow> parse_accounts(const std::string& csv);

// Compiles bench/configs/accounts_mapping.yaml (the mapping the end-to-end benchmark uses).
// Throws ConfigError when the file is missing or invalid.
std::shared_ptr<const Mapping> load_accounts_mapping();

// Compiles an account mapping given as YAML text (for one-field mappings that isolate a field's cost).
std::shared_ptr<const Mapping> compile_account_mapping(const std::string& yaml);

// The records of the rows that map cleanly (rows with mapping issues are left out).
std::vector<nlohmann::json> map_clean(const Mapping& mapping, const std::vector<SourceRow>& rows);

}  // namespace zra::bench
