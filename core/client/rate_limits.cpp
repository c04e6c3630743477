#include "core/client/rate_limits.h"

#include "core/common/errors.h"

namespace zra {

std::string_view to_string(RateLabel label) {
  switch (label) {
    case RateLabel::Light: return "light";
    case RateLabel::Medium: return "medium";
    case RateLabel::Heavy: return "heavy";
    case RateLabel::ResourceIntensive: return "resource_intensive";
  }
  return "light";
}

std::optional<RateLabel> parse_rate_label(std::string_view name) {
  for (RateLabel label : kAllRateLabels) {
    if (to_string(label) == name) return label;
  }
  return std::nullopt;
}

RateLimits RateLimits::for_plan(std::string_view plan) {
  RateLimits limits;
  if (plan == "pro") {
    limits.of(RateLabel::Light) = {30, 1};
    limits.of(RateLabel::Medium) = {20, 1};
    limits.of(RateLabel::Heavy) = {10, 1};
    limits.of(RateLabel::ResourceIntensive) = {10, 60};
    limits.daily = {30000, 86400};
  } else if (plan == "business" || plan == "custom") {
    limits.of(RateLabel::Light) = {80, 1};
    limits.of(RateLabel::Medium) = {60, 1};
    limits.of(RateLabel::Heavy) = {40, 1};
    limits.of(RateLabel::ResourceIntensive) = {20, 60};
    limits.daily = {60000, 86400};
  } else {
    throw Error("zra.plan: unknown plan '" + std::string(plan) + "' (expected pro, business or custom)", kExitUsage);
  }
  return limits;
}

void RateLimits::override_with(const std::map<std::string, RateSpec>& overrides) {
  RateLimits next = *this;
  for (const auto& [key, spec] : overrides) {
    if (!(spec.count > 0) || !(spec.per_seconds > 0)) {
      throw Error("zra.rate_limits." + key + ": a rate needs a positive count and period (got " +
                      std::to_string(spec.count) + " per " + std::to_string(spec.per_seconds) + " s)",
                  kExitUsage);
    }
    if (key == "daily") {
      next.daily = spec;
    } else if (auto label = parse_rate_label(key)) {
      next.of(*label) = spec;
    } else {
      throw Error("zra.rate_limits: unknown key '" + key +
                      "' (expected light, medium, heavy, resource_intensive or daily)",
                  kExitUsage);
    }
  }
  *this = next;
}

bool RateLimits::counts_toward_daily(RateLabel label) {
  return label == RateLabel::Heavy || label == RateLabel::ResourceIntensive;
}

}  // namespace zra
