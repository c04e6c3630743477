#pragma once
// Helpers of the ODBC plugin tests: the plugin loaded through the real host, config nodes for source
// and stream settings, and reading a whole stream.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_node.h"
#include "core/common/source_row.h"
#include "core/plugin_host/plugin_host.h"
#include "tests/integration/odbc/fixture_database.h"

namespace zra::testing {

using Values = std::vector<std::optional<std::string>>;

// The built libodbc.so, loaded once per process.
std::shared_ptr<LoadedPlugin> odbc_plugin();

// A config scalar; `quoted` false makes numbers and booleans typed in to_json().
ConfigNode scalar(const std::string& value, bool quoted = true);

// settings: { connection_string: ... } plus extra keys.
ConfigNode source_settings(const std::string& connection_string,
                           const std::vector<std::pair<std::string, ConfigNode>>& extra = {});

struct StreamSpec {
  std::string name = "accounts";
  std::string query;
  std::optional<std::string> key;
  std::vector<std::pair<std::string, ConfigNode>> params;
  std::optional<int> fetch_rows;
};
ConfigNode stream_node(const StreamSpec& spec);

struct StreamContents {
  std::vector<std::string> columns;
  std::vector<SourceRow> rows;
  std::vector<size_t> batch_sizes;
};
// Opens the stream on `source` and reads it to the end.
StreamContents read_stream(SourceInstance& source, const StreamSpec& spec, const std::optional<std::string>& since = std::nullopt,
                           size_t batch_rows = 1000);

// The values of each row.
std::vector<Values> values_of(const StreamContents& contents);
// Column `column` of each row ("<NULL>" for NULL).
std::vector<std::string> column_of(const StreamContents& contents, size_t column);

// One test per driver: a database with the fixture loaded and a source instance on it.
class OdbcDriverTest : public ::testing::TestWithParam<Driver> {
 protected:
  void SetUp() override;
  std::unique_ptr<FixtureDatabase> db_;
  std::unique_ptr<SourceInstance> source_;
};

std::string driver_param_name(const ::testing::TestParamInfo<Driver>& info);

}  // namespace zra::testing
