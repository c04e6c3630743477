// Loads `crm:`: the registration (POST /zra/crm/settings), checked against the API's rules so that a bad
// one fails before anything is sent.
#include <set>

#include "config/config_sections.h"
#include "config/config_values.h"

namespace zra {
namespace {

constexpr size_t kMaxCrmTypeLength = 16;
constexpr size_t kMaxDealStages = 50;

bool valid_crm_type(const std::string& s) {
  if (s.empty() || s.size() > kMaxCrmTypeLength || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

bool valid_currency(const std::string& s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::vector<DealStage> load_deal_stages(const ConfigNode& node) {
  const auto& items = node.items();
  if (items.empty() || items.size() > kMaxDealStages) {
    node.fail("must list 1 to " + std::to_string(kMaxDealStages) + " deal stages, found " +
              std::to_string(items.size()));
  }
  std::vector<DealStage> stages;
  std::set<std::string> names;
  std::set<std::string> types;
  for (const auto& item : items) {
    item.check_keys({"stage_name", "stage_type"});
    DealStage stage;
    stage.name = non_empty_string(item.at("stage_name"));
    stage.type = one_of(item.at("stage_type"), {kStageTypes[0], kStageTypes[1], kStageTypes[2]});
    if (!names.insert(stage.name).second) {
      item.at("stage_name").fail("duplicate deal stage '" + stage.name + "' (stage names must be unique)");
    }
    types.insert(stage.type);
    stages.push_back(std::move(stage));
  }
  std::string missing;
  for (auto t : kStageTypes) {
    if (types.count(std::string(t)) == 0) missing += (missing.empty() ? "" : ", ") + std::string(t);
  }
  if (!missing.empty()) node.fail("every stage type must be used at least once; missing: " + missing);
  return stages;
}

std::map<std::string, std::string> load_url_patterns(const ConfigNode& node) {
  std::vector<std::string> keys;
  for (auto t : kAllObjectTypes) keys.emplace_back(to_string(t));
  node.check_keys(keys);
  std::map<std::string, std::string> patterns;
  for (const auto& [key, value] : node.entries()) {
    std::string pattern = non_empty_string(value);
    if (pattern.find("{id}") == std::string::npos) {
      value.fail("a URL pattern must contain the placeholder {id}, found '" + pattern + "'");
    }
    patterns[key] = pattern;
  }
  return patterns;
}

}  // namespace

CrmConfig load_crm_section(const ConfigNode& node) {
  CrmConfig crm;
  node.check_keys({"crm_type", "crm_name", "currency_type", "deal_stages", "url_patterns"});
  const ConfigNode& type = node.at("crm_type");
  crm.crm_type = type.as_string();
  if (!valid_crm_type(crm.crm_type)) {
    type.fail("invalid crm_type '" + crm.crm_type + "': 1 to 16 characters, a letter then letters, digits "
              "or _ (^[a-zA-Z][a-zA-Z0-9_]*$)");
  }
  crm.crm_name = crm.crm_type;
  if (const auto* n = node.find("crm_name")) crm.crm_name = non_empty_string(*n);
  if (const auto* n = node.find("currency_type")) {
    crm.currency_type = n->as_string();
    if (!valid_currency(crm.currency_type)) {
      n->fail("currency_type must be a three-letter code in capitals (USD, EUR, JPY), found '" +
              crm.currency_type + "'");
    }
  }
  crm.deal_stages = load_deal_stages(node.at("deal_stages"));
  if (const auto* n = node.find("url_patterns"); n != nullptr && !n->is_null()) {
    crm.url_patterns = load_url_patterns(*n);
  }
  return crm;
}

}  // namespace zra
