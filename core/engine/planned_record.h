#pragma once
// A record on its way to ZRA: mapped, validated, serialized once, with where it came from.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/schema/object_types.h"

namespace zra {

struct PlannedRecord {
  ObjectType type = ObjectType::Account;
  std::string crm_id;
  std::string body;         // the record as compact JSON: what goes into `data[]`
  std::string hash;         // payload_hash(body): what the state store compares
  std::string modify_time;  // ISO-8601 UTC, for keeping the newer of two duplicates
  std::string source, stream, locator;
  bool deletion = false;
  uint64_t sequence = 0;    // read order within the run (set by the RecordSpool): breaks modify_time ties
  // Records of other types this one names (a contact's account, a deal's account and contacts).
  std::vector<std::pair<ObjectType, std::string>> references;
};

// Orders two ISO-8601 UTC instants as written by the mapping ("...SSZ" or "...SS.mmmZ"): <0, 0, >0.
int compare_modify_time(const std::string& a, const std::string& b);

}  // namespace zra
