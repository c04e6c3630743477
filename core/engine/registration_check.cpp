#include "core/engine/registration_check.h"

#include <map>

#include <nlohmann/json.hpp>

namespace zra {

std::vector<std::string> registration_differences(const CrmConfig& config, const nlohmann::json& live) {
  std::vector<std::string> diffs;
  std::string live_type = live.value("crm_type", "");
  if (live_type != config.crm_type) {
    diffs.push_back("crm_type is '" + config.crm_type + "' in the config but '" + live_type + "' in ZRA");
  }
  std::map<std::string, std::string> live_stages;
  if (live.contains("deal_stages") && live["deal_stages"].is_array()) {
    for (const auto& s : live["deal_stages"]) {
      if (s.is_object()) live_stages[s.value("stage_name", "")] = s.value("stage_type", "OPEN");
    }
  }
  for (const auto& s : config.deal_stages) {
    auto it = live_stages.find(s.name);
    if (it == live_stages.end()) {
      diffs.push_back("stage '" + s.name + "' is in the config but not registered in ZRA");
    } else if (it->second != s.type) {
      diffs.push_back("stage '" + s.name + "' is " + s.type + " in the config but " + it->second + " in ZRA");
    }
    if (it != live_stages.end()) live_stages.erase(it);
  }
  for (const auto& [name, type] : live_stages) {
    diffs.push_back("stage '" + name + "' (" + type + ") is registered in ZRA but not in the config");
  }
  return diffs;
}

}  // namespace zra
