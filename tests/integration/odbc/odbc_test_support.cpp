#include "tests/integration/odbc/odbc_test_support.h"

namespace zra::testing {

std::shared_ptr<LoadedPlugin> odbc_plugin() {
  static PluginHost host({});
  static std::shared_ptr<LoadedPlugin> plugin = host.load_file(std::string(ZRA_PLUGIN_DIR) + "/libodbc.so");
  return plugin;
}

ConfigNode scalar(const std::string& value, bool quoted) {
  return ConfigNode::scalar(value, quoted, "sync.yaml", 7, "sources[0]");
}

ConfigNode source_settings(const std::string& connection_string,
                           const std::vector<std::pair<std::string, ConfigNode>>& extra) {
  ConfigNode node = ConfigNode::map("sync.yaml", 5, "sources[0].settings");
  node.set("connection_string", scalar(connection_string));
  for (const auto& [k, v] : extra) node.set(k, v);
  return node;
}

ConfigNode stream_node(const StreamSpec& spec) {
  ConfigNode node = ConfigNode::map("sync.yaml", 10, "sources[0].streams[0]");
  node.set("name", scalar(spec.name));
  node.set("object", scalar("account"));
  node.set("query", scalar(spec.query));
  if (spec.key) node.set("key", scalar(*spec.key));
  if (!spec.params.empty()) {
    ConfigNode params = ConfigNode::map("sync.yaml", 12, "sources[0].streams[0].params");
    for (const auto& [k, v] : spec.params) params.set(k, v);
    node.set("params", params);
  }
  if (spec.fetch_rows) node.set("fetch_rows", scalar(std::to_string(*spec.fetch_rows), false));
  return node;
}

StreamContents read_stream(SourceInstance& source, const StreamSpec& spec, const std::optional<std::string>& since,
                           size_t batch_rows) {
  StreamContents out;
  auto reader = source.open(stream_node(spec), since, batch_rows);
  std::vector<SourceRow> batch;
  while (reader->next(batch)) {
    out.batch_sizes.push_back(batch.size());
    if (out.columns.empty() && !batch.empty()) out.columns = *batch.front().columns;
    for (auto& row : batch) out.rows.push_back(std::move(row));
  }
  return out;
}

std::vector<Values> values_of(const StreamContents& contents) {
  std::vector<Values> out;
  for (const auto& row : contents.rows) out.push_back(row.values);
  return out;
}

std::vector<std::string> column_of(const StreamContents& contents, size_t column) {
  std::vector<std::string> out;
  for (const auto& row : contents.rows) out.push_back(row.values.at(column).value_or("<NULL>"));
  return out;
}

void OdbcDriverTest::SetUp() {
  db_ = std::make_unique<FixtureDatabase>(GetParam());
  db_->load_fixture();
  source_ = SourceInstance::create(odbc_plugin(), "erp", source_settings(db_->connection_string()));
}

std::string driver_param_name(const ::testing::TestParamInfo<Driver>& info) { return driver_name(info.param); }

}  // namespace zra::testing
