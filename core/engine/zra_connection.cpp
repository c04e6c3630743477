#include "core/engine/zra_connection.h"

#include <filesystem>
#include <random>

#include <nlohmann/json.hpp>

#include "core/common/log.h"
#include "core/http/http_transport.h"
#include "sandbox/sandbox_server.h"

namespace zra {

ZraConnection::ZraConnection(const SyncConfig& config, Clock& clock) {
  const std::string plan = config.zra.plan == "custom" ? "business" : config.zra.plan;
  ClientOptions opts;
  opts.limits = RateLimits::for_plan(plan);
  opts.limits.override_with(config.zra.rate_limits);
  opts.max_attempts = std::max(1, config.zra.max_retries + 1);
  opts.request_timeout = std::chrono::seconds(config.zra.request_timeout_s);
  if (config.zra.target == "sandbox") {
    const SandboxConfig& sc = config.zra.sandbox;
    sandbox::SandboxOptions so;
    so.plan = plan;
    so.time_scale = sc.time_scale;
    so.task_delay_s = sc.task_delay_s;
    so.seed = sc.seed;
    // The embedded sandbox keeps its data next to the state by default, so `crm register` and later
    // runs (separate processes) see the same ZRA.
    so.state_file = sc.state_file.empty() ? config.state.path + ".sandbox.json" : sc.state_file;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(so.state_file).parent_path(), ec);
    if (ec) throw FatalError("cannot create the directory of the sandbox state file " + so.state_file + ": " + ec.message());
    so.licensed_users_file = sc.licensed_users_file;
    sandbox_ = std::make_unique<sandbox::SandboxServer>(so);
    sandbox_->start();
    opts.base_url = sandbox_->base_url();
    opts.token_url = sandbox_->token_url();
    opts.account_id = so.account_id;
    opts.client_id = so.client_id;
    opts.client_secret = so.client_secret;
    // The embedded sandbox runs time faster by time_scale; so may we.
    for (RateLabel l : kAllRateLabels) opts.limits.of(l).per_seconds /= sc.time_scale;
    opts.limits.daily.per_seconds /= sc.time_scale;
    log_info("sandbox.started", "embedded ZRA sandbox at " + opts.base_url);
  } else {
    opts.base_url = config.zra.base_url;
    opts.token_url = config.zra.auth.token_url;
    opts.account_id = config.zra.auth.account_id;
    opts.client_id = config.zra.auth.client_id;
    opts.client_secret = config.zra.auth.client_secret;
  }
  if (!config.zra.tls_verify) {
    log_warn("tls.unverified", "zra.tls.verify is false: the server's certificate is NOT checked");
  }
  transport_ = make_cpprest_transport(TlsOptions{config.zra.tls_verify, config.zra.ca_file});
  random_ = make_random_source(std::random_device{}());
  client_ = std::make_unique<ZraClient>(opts, *transport_, clock, *random_);
}

ZraConnection::~ZraConnection() {
  client_.reset();
  transport_.reset();
  if (sandbox_) sandbox_->stop();
}

nlohmann::json registration_body(const CrmConfig& crm) {
  nlohmann::json body = {{"crm_type", crm.crm_type}, {"crm_name", crm.crm_name.empty() ? crm.crm_type : crm.crm_name},
                         {"currency_type", crm.currency_type}, {"deal_stages", nlohmann::json::array()}};
  for (const auto& s : crm.deal_stages) body["deal_stages"].push_back({{"stage_name", s.name}, {"stage_type", s.type}});
  for (const auto& [type, pattern] : crm.url_patterns) body["url_pattern_" + type] = pattern;
  return body;
}

}  // namespace zra
