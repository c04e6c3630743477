#pragma once
// Generated CRM source data for the resilience tests (kill points, soaks): CSV files of the four object
// types for SyncFixture's default mappings, with a seeded scatter of invalid rows, and the exact records
// ZRA must end up holding. Contacts and deals reference only valid accounts and contacts, so the only
// records that may fail are the planted invalid rows (each a mapping error with its CRM id).
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace zra::testing {

struct SourceCounts {
  int accounts = 0, contacts = 0, deals = 0, leads = 0;  // rows per type, invalid ones included
  int invalid_per_type = 0;                             // rows per type with an owner/contact/lead email
                                                        // that is not an email (a mapping error)
};

struct SourceData {
  std::map<std::string, std::string> files;               // "data/accounts.csv" -> CSV text
  std::map<std::string, nlohmann::json> expected;         // "account" -> {crm_id: record as ZRA stores it,
                                                          //  without its zra_*_id}
  std::map<std::string, std::set<std::string>> invalid;   // "account" -> CRM ids of the invalid rows
  std::string sources_yaml;                               // the sources block for SyncFixture::write_config
  size_t valid_total() const;                             // records ZRA must hold, all types
  size_t invalid_total() const;
};

// Deterministic for (counts, seed). Types with a count of 0 are left out (no file, no stream). Deals need
// at least one valid account and one valid contact; throws std::invalid_argument otherwise, or when
// invalid_per_type exceeds a type's count.
SourceData make_source_data(const SourceCounts& counts, uint64_t seed);

}  // namespace zra::testing
