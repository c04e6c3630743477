#pragma once
// Rate limits as configured: "20/min" text, and the per-label defaults of each Zoom plan
// (DESIGN.md, "limits, Pro plan" / "limits, Business and above").
#include <array>
#include <map>
#include <string>
#include <string_view>

#include "config/config_node.h"
#include "core/common/rate_spec.h"

namespace zra {

// The rate labels of the ZRA API, as written under `zra.rate_limits`. "daily" is the shared daily
// budget of HEAVY + RESOURCE-INTENSIVE calls.
inline constexpr std::array<std::string_view, 5> kRateLabels = {"light", "medium", "heavy",
                                                                 "resource_intensive", "daily"};

// Parses "COUNT/UNIT": "20/min", "10/s", "30000/day", "0.5/s"; units s|sec|second, min|minute, h|hour,
// d|day (spaces around the parts allowed). COUNT must be a finite number > 0.
// Throws ConfigError at `node` naming the bad text and the accepted form.
RateSpec parse_rate_spec(const ConfigNode& node);

// The limits of "pro" or "business" for all five labels; an empty map for "custom" (every label must then
// be configured). Throws std::invalid_argument for any other plan name (the loader checks plan first).
std::map<std::string, RateSpec> plan_rate_limits(const std::string& plan);

}  // namespace zra
