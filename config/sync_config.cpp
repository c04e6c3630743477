// load_config: the top level of the configuration file, and the small `state:` and `report:` sections.
#include "config/sync_config.h"

#include "config/config_sections.h"
#include "config/config_values.h"
#include "config/yaml_reader.h"

namespace zra {
namespace {

constexpr int kSupportedVersion = 1;

// A section that may be absent or empty (`state:` with nothing after it).
const ConfigNode* optional_section(const ConfigNode& root, const char* key) {
  const ConfigNode* n = root.find(key);
  if (n == nullptr || n->is_null()) return nullptr;
  n->entries();  // a map, or a clear error
  return n;
}

// A default relative path, resolved like one written in the file.
std::string beside(const ConfigNode& root, const std::string& relative) {
  return resolve_path(ConfigNode::scalar(relative, true, root.file(), root.line(), ""));
}

StateConfig load_state(const ConfigNode* node, const ConfigNode& root) {
  StateConfig state;
  state.path = beside(root, state.path);
  if (node != nullptr) {
    node->check_keys({"path", "retry_rejected_after"});
    if (const auto* n = node->find("path")) state.path = resolve_path(*n);
    if (const auto* n = node->find("retry_rejected_after")) state.retry_rejected_after_s = parse_duration_seconds(*n);
  }
  return state;
}

ReportConfig load_report(const ConfigNode* node, const ConfigNode& root) {
  ReportConfig report;
  report.dir = beside(root, report.dir);
  if (node != nullptr) {
    node->check_keys({"dir", "metrics_file"});
    if (const auto* n = node->find("dir")) report.dir = resolve_path(*n);
    if (const auto* n = node->find("metrics_file")) report.metrics_file = resolve_path(*n);
  }
  return report;
}

}  // namespace

SyncConfig load_config(const std::string& path, const EnvLookup& env) {
  ConfigNode root = read_config_file(path, env);
  if (root.is_null()) root.fail("the file is empty; it needs version, zra, crm and sources");
  if (!root.is_map()) root.fail("the top level must be a mapping (version, zra, crm, sources...), found a list or a value");
  root.check_keys({"version", "zra", "crm", "plugin_paths", "sources", "state", "report"});

  SyncConfig config;
  config.file = root.file();
  const ConfigNode& version = root.at("version");
  // Compared before narrowing: 4294967297 must not pass as 1 (fuzz_config_loader checks this).
  if (version.as_int() != kSupportedVersion) {
    version.fail("unsupported version " + version.as_string() + " (this zra-sync reads version " +
                 std::to_string(kSupportedVersion) + ")");
  }
  config.version = kSupportedVersion;
  config.zra = load_zra_section(root.at("zra"));
  config.crm = load_crm_section(root.at("crm"));
  if (const auto* n = root.find("plugin_paths"); n != nullptr && !n->is_null()) {
    for (const auto& item : n->items()) config.plugin_paths.push_back(resolve_path(item));
  }
  config.sources = load_sources_section(root.at("sources"), env);
  config.state = load_state(optional_section(root, "state"), root);
  config.report = load_report(optional_section(root, "report"), root);
  return config;
}

}  // namespace zra
