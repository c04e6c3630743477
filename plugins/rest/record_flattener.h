#pragma once
// Turns JSON records into rows of named text columns, the shape every source plugin hands the host.
//   nested objects     -> dotted names: {"owner": {"email": "a@x"}} gives column "owner.email"
//   arrays of scalars  -> joined with ";" (["a","b"] -> "a;b"; [] -> "")
//   other arrays, {}   -> compact JSON text
//   numbers            -> their JSON text, digit for digit; booleans -> "true"/"false"; null -> NULL
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "plugins/rest/exact_json.h"

namespace zra::rest {

struct FlatField {
  std::string name;
  std::optional<std::string> value;  // nullopt: JSON null
};
using FlatRecord = std::vector<FlatField>;

// Flattens one JSON object (keys in the server's order). When two paths give the same dotted name
// ({"a.b": 1, "a": {"b": 2}}) the later one wins. Throws std::invalid_argument if `record` is not an object.
FlatRecord flatten_record(const Json& record);

// The rows of one page: the union of the columns of its records, in first-seen order; a record that
// lacks a column has NULL there. A record that is not an object becomes a row with an error.
struct PageTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // each rows[i].size() == columns.size()
  std::vector<std::optional<std::string>> row_errors;         // parallel to rows
};

class PageTableBuilder {
 public:
  // Adds one record; a non-object adds an error row ("item is a string, not a JSON object").
  void add(const Json& record);
  // Returns the table (rows padded to the full column set) and resets the builder.
  PageTable take();

 private:
  PageTable table_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace zra::rest
