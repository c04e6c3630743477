#include "tests/integration/sandbox/sandbox_fixture.h"

#include <chrono>
#include <thread>

namespace zra::sandbox::test {

SandboxOptions fast_options() {
  SandboxOptions o;
  o.time_scale = 1000;
  o.rate_limits = false;
  o.threads = 2;
  o.token_ttl_s = 3600.0 * 1000;  // an hour of real time, whatever the time scale
  return o;
}

json default_registration() {
  return {{"crm_type", "acme"},
          {"crm_name", "Acme CRM"},
          {"deal_stages", json::array({{{"stage_name", "Prospecting"}, {"stage_type", "OPEN"}},
                                       {{"stage_name", "Negotiation"}},
                                       {{"stage_name", "Closed Won"}, {"stage_type", "CLOSED_WON"}},
                                       {{"stage_name", "Closed Lost"}, {"stage_type", "CLOSED_LOST"}}})},
          {"url_pattern_account", "https://crm.acme.example/a/{id}"}};
}

std::string basic_auth(const std::string& id, const std::string& secret) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = id + ":" + secret;
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
  }
  return "Basic " + out;
}

void SandboxTest::TearDown() {
  if (server_) server_->stop();
  server_.reset();
}

void SandboxTest::start(SandboxOptions options) {
  server_ = std::make_unique<SandboxServer>(std::move(options));
  server_->start();
  token_.clear();
}

std::string SandboxTest::token() {
  const auto& o = server_->options();
  TestRequest req{"POST", "/oauth/token?grant_type=account_credentials&account_id=" + o.account_id, "",
                  {{"Authorization", basic_auth(o.client_id, o.client_secret)}}};
  TestResponse r = http_send(port(), req);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json().at("access_token").get<std::string>();
}

TestResponse SandboxTest::send(TestRequest req) { return http_send(port(), req); }

TestResponse SandboxTest::get(const std::string& target) {
  if (token_.empty()) token_ = token();
  return http_send(port(), {"GET", target, "", {{"Authorization", "Bearer " + token_}}});
}

TestResponse SandboxTest::post(const std::string& target, const json& body) {
  return post_raw(target, body.dump(), "application/json");
}

TestResponse SandboxTest::post_raw(const std::string& target, const std::string& body, const std::string& content_type) {
  if (token_.empty()) token_ = token();
  TestRequest req{"POST", target, body, {{"Authorization", "Bearer " + token_}}};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  return http_send(port(), req);
}

TestResponse SandboxTest::del(const std::string& target) {
  if (token_.empty()) token_ = token();
  return http_send(port(), {"DELETE", target, "", {{"Authorization", "Bearer " + token_}}});
}

void SandboxTest::register_default() {
  TestResponse r = post("/v2/zra/crm/settings", default_registration());
  ASSERT_EQ(r.status, 201) << r.body;
}

json SandboxTest::wait_task(const std::string& task_id) {
  for (int i = 0; i < 2000; ++i) {
    TestResponse r = get("/v2/zra/crm/tasks/" + task_id);
    if (r.status != 200) {
      ADD_FAILURE() << "task " << task_id << ": " << r.status << " " << r.body;
      return json();
    }
    json body = r.json();
    std::string status = body.at("task_status").get<std::string>();
    if (status == "SUCCESS" || status == "FAILED") return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ADD_FAILURE() << "task " << task_id << " never finished";
  return json();
}

json SandboxTest::import_and_wait(const std::string& plural, const json& records) {
  TestResponse r = post("/v2/zra/crm/" + plural, {{"data", records}});
  if (r.status != 202) {
    ADD_FAILURE() << "import " << plural << ": " << r.status << " " << r.body;
    return json();
  }
  return wait_task(r.json().at("task_id").get<std::string>());
}

json account(const std::string& id) {
  return {{"crm_account_id", id}, {"account_name", "Account " + id}, {"modify_time", "2025-11-20T12:00:00Z"}};
}

json contact(const std::string& id, const std::string& account_id) {
  json c = {{"crm_contact_id", id}, {"contact_name", "Contact " + id}, {"modify_time", "2025-11-20T12:00:00Z"}};
  if (!account_id.empty()) c["crm_account_id"] = account_id;
  return c;
}

json deal(const std::string& id, const std::string& account_id, const std::string& stage) {
  return {{"crm_deal_id", id},
          {"crm_account_id", account_id},
          {"deal_name", "Deal " + id},
          {"modify_time", "2025-11-20T12:00:00Z"},
          {"owner_email", "owner@example.com"},
          {"stage", stage}};
}

json lead(const std::string& id) {
  return {{"crm_lead_id", id}, {"lead_name", "Lead " + id}, {"modify_time", "2025-11-20T12:00:00Z"}};
}

}  // namespace zra::sandbox::test
