#pragma once
// Compares the config's `crm` section with the registration ZRA holds, so a stage renamed in one place
// but not the other is found by `check` instead of by a night of rejected deals.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/sync_config.h"

namespace zra {

// One line per difference ("stage 'Closed Won' is CLOSED_WON in the config but OPEN in ZRA"); empty when equal.
std::vector<std::string> registration_differences(const CrmConfig& config, const nlohmann::json& live);

}  // namespace zra
