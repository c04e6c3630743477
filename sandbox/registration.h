#pragma once
// Validation of POST /zra/crm/settings bodies against the reference and DESIGN.md's facts.
#include <string>

#include <nlohmann/json.hpp>

namespace zra::sandbox {

struct RegistrationCheck {
  nlohmann::json errors = nlohmann::json::array();  // [{field, message}], empty when valid
  nlohmann::json normalized;  // when valid: the body with defaults (crm_name, currency_type, stage_type)
};

inline constexpr size_t kMaxCrmTypeLength = 16;
inline constexpr size_t kMaxDealStages = 50;

// Checks crm_type (1-16 chars, ^[a-zA-Z][a-zA-Z0-9_]*$), deal_stages (1-50 objects, unique non-empty
// stage_name, stage_type OPEN/CLOSED_WON/CLOSED_LOST defaulting to OPEN, each type at least once), the
// optional string fields, and rejects unknown fields.
RegistrationCheck check_registration(const nlohmann::json& body);

}  // namespace zra::sandbox
