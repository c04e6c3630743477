#include "tests/support/plugin_conformance.h"

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "core/plugin_host/plugin_host.h"
#include "core/plugin_host/setting_validator.h"

namespace zra::conformance {
namespace {

std::vector<SourceRow> read_all(SourceInstance& source, const ConfigNode& stream, const std::optional<std::string>& since,
                                size_t batch_rows, uint64_t max_rows) {
  auto reader = source.open(stream, since, batch_rows);
  std::vector<SourceRow> all, batch;
  while (all.size() < max_rows && reader->next(batch)) all.insert(all.end(), batch.begin(), batch.end());
  return all;
}

std::string describe_difference(const std::vector<SourceRow>& a, const std::vector<SourceRow>& b) {
  if (a.size() != b.size()) return "the first read gave " + std::to_string(a.size()) + " rows, the second " + std::to_string(b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].locator != b[i].locator) return "row " + std::to_string(i + 1) + " is '" + a[i].locator + "' then '" + b[i].locator + "'";
    if (a[i].values != b[i].values || a[i].error != b[i].error) return "row '" + a[i].locator + "' has different values or errors";
    if (*a[i].columns != *b[i].columns) return "row '" + a[i].locator + "' has different column names";
  }
  return "";
}

}  // namespace

std::vector<CheckFinding> run(const std::string& plugin_path, const std::string& settings_json,
                              const std::string& stream_json, const Options& options) {
  PluginCheckReport report = check_plugin(plugin_path, settings_json, stream_json, options.limits);
  std::vector<CheckFinding> findings = report.findings;
  if (!report.passed()) return findings;
  auto error = [&](const std::string& m) { findings.push_back({CheckSeverity::Error, "through the host: " + m}); };
  try {
    PluginHost host({});
    auto plugin = host.load_file(plugin_path);
    nlohmann::json settings = settings_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(settings_json);
    nlohmann::json stream = stream_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(stream_json);
    std::optional<std::string> since;
    if (stream.contains("since")) since = stream["since"].get<std::string>();
    size_t batch_rows = stream.value("batch_rows", 1000);
    stream.erase("since");
    stream.erase("batch_rows");
    if (!stream.contains("name")) stream["name"] = "conformance";
    if (!stream.contains("object")) stream["object"] = "account";
    auto source = SourceInstance::create(plugin, "conformance", json_to_config_node(settings, "settings"));
    ConfigNode stream_node = json_to_config_node(stream, "stream");
    auto first = read_all(*source, stream_node, since, batch_rows, options.limits.max_rows);
    auto second = read_all(*source, stream_node, since, batch_rows, options.limits.max_rows);
    std::string diff = describe_difference(first, second);
    if (!diff.empty()) error("two reads of the same stream differ: " + diff);
    if (first.size() != report.rows) {
      error("read " + std::to_string(first.size()) + " rows, the checker read " + std::to_string(report.rows));
    }
    std::set<std::string> locators;
    for (const auto& row : first) {
      if (!locators.insert(row.locator).second) {
        findings.push_back({CheckSeverity::Warning, "two rows share the locator '" + row.locator + "'"});
        break;
      }
    }
  } catch (const std::exception& e) {
    error(e.what());
  }
  return findings;
}

std::string errors(const std::vector<CheckFinding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    if (f.severity == CheckSeverity::Error) out += f.message + "\n";
  }
  return out;
}

}  // namespace zra::conformance
