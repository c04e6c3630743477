#include "sandbox/registration.h"

#include <set>

#include "core/schema/object_types.h"

namespace zra::sandbox {

namespace {
constexpr const char* kOptionalStrings[] = {"crm_name", "currency_type", "url_pattern_account",
                                            "url_pattern_contact", "url_pattern_deal", "url_pattern_lead"};

bool is_crm_type(const std::string& s) {
  if (s.empty() || s.size() > kMaxCrmTypeLength) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(s[0])) return false;
  for (char c : s) {
    if (!alpha(c) && !digit(c) && c != '_') return false;
  }
  return true;
}

bool is_stage_type(const std::string& s) {
  for (auto t : kStageTypes) {
    if (s == t) return true;
  }
  return false;
}
}  // namespace

RegistrationCheck check_registration(const nlohmann::json& body) {
  RegistrationCheck out;
  auto& errors = out.errors;
  auto add = [&](std::string field, std::string message) {
    errors.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
  };
  if (!body.is_object()) {
    add("", "the registration must be a JSON object");
    return out;
  }
  nlohmann::json norm = nlohmann::json::object();

  auto type = body.find("crm_type");
  if (type == body.end() || type->is_null()) {
    add("crm_type", "crm_type is required");
  } else if (!type->is_string()) {
    add("crm_type", "crm_type must be a string");
  } else if (!is_crm_type(type->get<std::string>())) {
    add("crm_type", "crm_type must be 1-16 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$, got '" +
                        type->get<std::string>().substr(0, 40) + "'");
  } else {
    norm["crm_type"] = *type;
  }

  for (const char* name : kOptionalStrings) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_string()) {
      add(name, std::string(name) + " must be a string");
    } else {
      norm[name] = *it;
    }
  }
  if (!norm.contains("crm_name") && norm.contains("crm_type")) norm["crm_name"] = norm["crm_type"];
  if (!norm.contains("currency_type")) norm["currency_type"] = "USD";

  auto stages = body.find("deal_stages");
  if (stages == body.end() || stages->is_null()) {
    add("deal_stages", "deal_stages is required");
  } else if (!stages->is_array()) {
    add("deal_stages", "deal_stages must be an array");
  } else if (stages->empty()) {
    add("deal_stages", "deal_stages must have at least one stage");
  } else if (stages->size() > kMaxDealStages) {
    add("deal_stages", "deal_stages can have at most 50 stages, got " + std::to_string(stages->size()));
  } else {
    nlohmann::json list = nlohmann::json::array();
    std::set<std::string> names;
    std::set<std::string> types;
    for (size_t i = 0; i < stages->size(); ++i) {
      const auto& st = (*stages)[i];
      std::string at = "deal_stages[" + std::to_string(i) + "]";
      if (!st.is_object()) {
        add(at, at + " must be an object");
        continue;
      }
      for (auto it = st.begin(); it != st.end(); ++it) {
        if (it.key() != "stage_name" && it.key() != "stage_type") add(at + "." + it.key(), "unknown field '" + it.key() + "'");
      }
      auto name = st.find("stage_name");
      if (name == st.end() || name->is_null()) {
        add(at + ".stage_name", "stage_name is required");
        continue;
      }
      if (!name->is_string() || name->get<std::string>().empty()) {
        add(at + ".stage_name", "stage_name must be a non-empty string");
        continue;
      }
      std::string stage_type = "OPEN";
      auto t = st.find("stage_type");
      if (t != st.end() && !t->is_null()) {
        if (!t->is_string() || !is_stage_type(t->get<std::string>())) {
          add(at + ".stage_type", "stage_type must be OPEN, CLOSED_WON or CLOSED_LOST, got " + t->dump());
          continue;
        }
        stage_type = t->get<std::string>();
      }
      const std::string& n = name->get_ref<const std::string&>();
      if (!names.insert(n).second) {
        add(at + ".stage_name", "duplicate stage_name '" + n + "': each deal stage name must be unique");
        continue;
      }
      types.insert(stage_type);
      list.push_back({{"stage_name", n}, {"stage_type", stage_type}});
    }
    bool stage_errors = false;
    for (const auto& e : errors) stage_errors = stage_errors || e["field"].get<std::string>().rfind("deal_stages", 0) == 0;
    if (!stage_errors) {
      for (auto t : kStageTypes) {
        if (types.count(std::string(t)) == 0) {
          add("deal_stages", "each stage type must have at least one stage: no " + std::string(t) + " stage");
        }
      }
    }
    norm["deal_stages"] = std::move(list);
  }

  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& k = it.key();
    bool known = k == "crm_type" || k == "deal_stages";
    for (const char* name : kOptionalStrings) known = known || k == name;
    if (!known) add(k, "unknown field '" + k + "'");
  }
  if (errors.empty()) out.normalized = std::move(norm);
  return out;
}

}  // namespace zra::sandbox
