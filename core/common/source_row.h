#pragma once
// One row as the host holds it after copying it out of a plugin's batch.
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zra {

struct SourceRow {
  // Column names, shared by all rows of a batch (and usually of a stream).
  std::shared_ptr<const std::vector<std::string>> columns;
  // One value per column; nullopt = NULL / absent.
  std::vector<std::optional<std::string>> values;
  // Where the row is in the source: "accounts.csv:1042", "accounts#Id=0017", "GET /contacts page 7 item 12".
  std::string locator;
  // Set when the plugin could not read this row (then `values` is meaningless): a `source` phase error.
  std::optional<std::string> error;
};

}  // namespace zra
