#pragma once
// ZRA's rate-limit labels and the per-plan limits (DESIGN.md facts table), as data the limiter reads.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/rate_spec.h"

namespace zra {

enum class RateLabel { Light = 0, Medium = 1, Heavy = 2, ResourceIntensive = 3 };
inline constexpr std::array<RateLabel, 4> kAllRateLabels = {RateLabel::Light, RateLabel::Medium, RateLabel::Heavy,
                                                            RateLabel::ResourceIntensive};

// "light", "medium", "heavy", "resource_intensive" (the keys of `zra.rate_limits` and of ClientStats).
std::string_view to_string(RateLabel label);
std::optional<RateLabel> parse_rate_label(std::string_view name);

struct RateLimits {
  std::array<RateSpec, 4> by_label{};  // indexed by RateLabel
  RateSpec daily{};                    // HEAVY and RESOURCE-INTENSIVE calls together

  // "pro" or "business" per DESIGN.md. "custom" starts from the business figures and expects the caller
  // to override every label (the config loader enforces that). Throws Error (exit 2) on any other name.
  static RateLimits for_plan(std::string_view plan);
  // Keys as to_string(RateLabel) or "daily". Throws Error (exit 2) naming an unknown key or a rate whose
  // count or period is not positive; nothing is changed then.
  void override_with(const std::map<std::string, RateSpec>& overrides);

  const RateSpec& of(RateLabel label) const { return by_label[static_cast<size_t>(label)]; }
  RateSpec& of(RateLabel label) { return by_label[static_cast<size_t>(label)]; }
  // True for the labels the daily cap counts (HEAVY, RESOURCE-INTENSIVE).
  static bool counts_toward_daily(RateLabel label);
};

}  // namespace zra
