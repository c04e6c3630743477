// Loads `zra:`: where and how to talk to ZRA.
#include "config/config_sections.h"
#include "config/config_values.h"
#include "core/common/log.h"

namespace zra {
namespace {

std::string http_url(const ConfigNode& node) {
  std::string url = non_empty_string(node);
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    node.fail("must be an http:// or https:// URL, found '" + url + "'");
  }
  return url;
}

AuthConfig load_auth(const ConfigNode* node, const ConfigNode& zra, bool required) {
  AuthConfig auth;
  if (node == nullptr || node->is_null()) {
    if (required) zra.fail("missing required key 'auth' (account_id, client_id, client_secret) for target zoom");
    return auth;
  }
  node->check_keys({"token_url", "account_id", "client_id", "client_secret"});
  if (const auto* n = node->find("token_url")) auth.token_url = http_url(*n);
  auto read = [&](const char* key, std::string& out) {
    const ConfigNode* n = node->find(key);
    if (n == nullptr) {
      if (required) node->fail(std::string("missing required key '") + key + "' (target zoom needs credentials)");
      return;
    }
    out = required ? non_empty_string(*n) : n->as_string();
  };
  read("account_id", auth.account_id);
  read("client_id", auth.client_id);
  read("client_secret", auth.client_secret);
  add_secret(auth.client_secret);
  return auth;
}

PollConfig load_poll(const ConfigNode& node) {
  PollConfig poll;
  node.check_keys({"initial_ms", "max_ms", "timeout_s"});
  if (const auto* n = node.find("initial_ms")) poll.initial_ms = int_in_range(*n, 1, 600000);
  if (const auto* n = node.find("max_ms")) poll.max_ms = int_in_range(*n, 1, 3600000);
  if (const auto* n = node.find("timeout_s")) poll.timeout_s = int_in_range(*n, 1, 7 * 86400);
  if (poll.max_ms < poll.initial_ms) {
    const ConfigNode* at = node.find("max_ms");
    (at != nullptr ? *at : node).fail("max_ms (" + std::to_string(poll.max_ms) + ") must not be below initial_ms (" +
                                      std::to_string(poll.initial_ms) + ")");
  }
  return poll;
}

std::map<std::string, RateSpec> load_rate_limits(const ConfigNode* node, const ConfigNode& zra,
                                                 const std::string& plan) {
  std::map<std::string, RateSpec> limits = plan_rate_limits(plan);
  std::vector<std::string> labels(kRateLabels.begin(), kRateLabels.end());
  if (node != nullptr && !node->is_null()) {
    node->check_keys(labels);
    for (const auto& [label, value] : node->entries()) limits[label] = parse_rate_spec(value);
  }
  if (plan == "custom") {
    std::string missing;
    for (const auto& l : labels) {
      if (limits.count(l) == 0) missing += (missing.empty() ? "" : ", ") + l;
    }
    if (!missing.empty()) {
      (node != nullptr ? *node : zra)
          .fail("plan custom needs every rate limit; missing under rate_limits: " + missing);
    }
  }
  return limits;
}

SandboxConfig load_sandbox(const ConfigNode& node) {
  SandboxConfig sandbox;
  node.check_keys({"time_scale", "task_delay_s", "seed", "state_file", "licensed_users_file"});
  if (const auto* n = node.find("time_scale")) {
    sandbox.time_scale = number_in_range(*n, 0, 1e6);
    if (sandbox.time_scale <= 0) n->fail("must be above 0, found '" + n->as_string() + "'");
  }
  if (const auto* n = node.find("task_delay_s")) sandbox.task_delay_s = number_in_range(*n, 0, 86400);
  if (const auto* n = node.find("seed")) {
    int64_t seed = n->as_int();
    if (seed < 0) n->fail("must be 0 or more, found " + std::to_string(seed));
    sandbox.seed = static_cast<uint64_t>(seed);
  }
  if (const auto* n = node.find("state_file")) sandbox.state_file = resolve_path(*n);
  if (const auto* n = node.find("licensed_users_file")) sandbox.licensed_users_file = resolve_path(*n);
  return sandbox;
}

}  // namespace

ZraConfig load_zra_section(const ConfigNode& node) {
  ZraConfig zra;
  node.check_keys({"target", "base_url", "auth", "plan", "rate_limits", "batch_size", "max_in_flight_tasks",
                   "poll", "tls", "request_timeout_s", "max_retries", "sandbox"});
  if (const auto* n = node.find("target")) zra.target = one_of(*n, {"zoom", "sandbox"});
  if (const auto* n = node.find("base_url")) zra.base_url = http_url(*n);
  zra.auth = load_auth(node.find("auth"), node, zra.target == "zoom");
  if (const auto* n = node.find("plan")) zra.plan = one_of(*n, {"pro", "business", "custom"});
  zra.rate_limits = load_rate_limits(node.find("rate_limits"), node, zra.plan);
  if (const auto* n = node.find("batch_size")) zra.batch_size = int_in_range(*n, 1, 2000);
  if (const auto* n = node.find("max_in_flight_tasks")) zra.max_in_flight_tasks = int_in_range(*n, 1, 64);
  if (const auto* n = node.find("poll"); n != nullptr && !n->is_null()) zra.poll = load_poll(*n);
  if (const auto* tls = node.find("tls"); tls != nullptr && !tls->is_null()) {
    tls->check_keys({"verify", "ca_file"});
    if (const auto* n = tls->find("verify")) zra.tls_verify = n->as_bool();
    if (const auto* n = tls->find("ca_file")) zra.ca_file = resolve_path(*n);
  }
  if (const auto* n = node.find("request_timeout_s")) zra.request_timeout_s = int_in_range(*n, 1, 3600);
  if (const auto* n = node.find("max_retries")) zra.max_retries = int_in_range(*n, 0, 100);
  if (const auto* n = node.find("sandbox"); n != nullptr && !n->is_null()) zra.sandbox = load_sandbox(*n);
  return zra;
}

}  // namespace zra
