// No secret anywhere: a full run (a record ZRA's schema rejects, a source whose server refuses the
// password and echoes the Authorization header back, a 401 on an import that forces a new token, JSON
// debug logs, a metrics file, a report, the state store) and `check`, then every byte they wrote is
// searched for every secret: the client secret and the CRM token (both from ${file:} secrets), the CRM
// password (from the environment), the Basic headers built from them, and each access token ZRA issued.
#include <sys/stat.h>

#include <filesystem>
#include <mutex>

#include "tests/integration/hostile/hostile_fixture.h"

namespace zra::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kClientSecret = "zoom-client-secret-Qx7Wp3Lr";
const std::string kCrmToken = "crm-bearer-token-Hk29ZtVb";
const std::string kCrmPassword = "crm-basic-password-Mv81LqJd";

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += t[(v >> s) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < in.size() ? t[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

class SecretGrepTest : public HostileFixture {
 protected:
  void SetUp() override {
    HostileFixture::SetUp();
    sandbox::SandboxOptions o = sandbox_options_;
    o.client_secret = kClientSecret;
    start_sandbox(o);
    crm_ = std::make_unique<LoopbackHttpServer>([](const ServedRequest& r) { return crm_answer(r); });
  }

  // The CRM's REST API: /leads with the bearer token (one lead with an invalid email); /more refuses the
  // password and, like a careless server, echoes the Authorization header in its error.
  static ServedAnswer crm_answer(const ServedRequest& r) {
    ServedAnswer a;
    a.headers = {{"Content-Type", "application/json"}};
    if (r.target.rfind("/leads", 0) == 0 && r.header("Authorization") == "Bearer " + kCrmToken) {
      json leads = json::array();
      for (const char* id : {"R1", "R2", "R3"}) {
        leads.push_back({{"id", id}, {"name", std::string("Rest ") + id},
                         {"email", std::string(id) == "R2" ? "not-an-email" : std::string(id) + "@x.example"},
                         {"modified", "2025-11-20T12:00:00Z"}});
      }
      a.body = json{{"data", leads}}.dump();
      return a;
    }
    a.status = 401;
    a.body = json{{"message", "invalid credentials: " + r.header("Authorization")}}.dump();
    return a;
  }

  std::string rest_source(const std::string& name, const std::string& auth, const std::string& path) {
    return "  - name: " + name + "\n    plugin: rest\n"
           "    settings: { base_url: \"" + crm_->base_url() + "\", max_retries: 0, auth: " + auth + " }\n"
           "    streams:\n      - { name: s, object: lead, path: " + path + ", records: /data, mapping: "
           "{ fields: { crm_lead_id: id, lead_name: name, lead_email: email, modify_time: modified } } }\n";
  }

  void write_secret(const std::string& relative, const std::string& value) {
    fs::path p = write_file(relative, value + "\n");
    ASSERT_EQ(::chmod(p.c_str(), 0600), 0);
  }

  CommandResult zra_sync_env(std::vector<std::string> args) {
    args.insert(args.begin(), ZRA_SYNC_EXE);
    for (auto& a : args) {
      if (a == "CONFIG") a = (dir_ / "sync.yaml").string();
    }
    return run_command(args, 120, {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}, {"CRM_PASSWORD", kCrmPassword}});
  }

  std::vector<std::string> secrets() {
    std::vector<std::string> s = {kClientSecret, kCrmToken, kCrmPassword, base64("sync-user:" + kCrmPassword),
                                  base64(sandbox_options_.client_id + ":" + kClientSecret)};
    std::lock_guard<std::mutex> lock(tokens_mu_);
    s.insert(s.end(), access_tokens_.begin(), access_tokens_.end());
    return s;
  }

  std::vector<std::string> secrets_in(const std::string& text) {
    std::vector<std::string> found;
    for (const auto& secret : secrets()) {
      if (text.find(secret) != std::string::npos) found.push_back(secret);
    }
    return found;
  }
  // Fails for each secret found in `text`, naming where.
  void expect_no_secret(const std::string& where, const std::string& text) {
    ++places_;
    for (const auto& secret : secrets_in(text)) ADD_FAILURE() << "secret '" << secret << "' found in " << where;
  }
  void expect_no_secret_in_files(const fs::path& root) {
    for (const auto& f : fs::recursive_directory_iterator(root)) {
      if (f.is_regular_file()) expect_no_secret(f.path().string(), read_text(f.path().string()));
    }
  }

  std::unique_ptr<LoopbackHttpServer> crm_;
  std::mutex tokens_mu_;
  std::vector<std::string> access_tokens_;
  int places_ = 0;
};

TEST_F(SecretGrepTest, NoSecretInOutputLogsReportMetricsOrState) {
  write_secret("secrets/zoom_client_secret", kClientSecret);
  write_secret("secrets/crm_token", kCrmToken);
  write_config(rest_source("crm-api", "{ type: bearer, token: \"${file:secrets/crm_token}\" }", "/leads") +
                   rest_source("crm-basic", "{ type: basic, username: sync-user, password: \"${CRM_PASSWORD}\" }",
                               "/more"),
               "", "");
  edit_file("sync.yaml", "${TEST_CLIENT_SECRET:-" + kClientSecret + "}", "${file:secrets/zoom_client_secret}");
  edit_file("sync.yaml", "report: { dir: reports }", "report: { dir: reports, metrics_file: metrics/zra-sync.prom }");
  ASSERT_EQ(read_text((dir_ / "sync.yaml").string()).find(kClientSecret), std::string::npos);
  CommandResult registered = zra_sync_env({"crm", "register", "-c", "CONFIG"});
  ASSERT_EQ(registered.exit_code, 0) << registered.out << registered.err;

  // Every token ZRA issues is recorded (and so searched for); the first import is answered 401 once.
  std::atomic<int> imports{0};
  intercept([&](const ServedRequest& r, const std::function<ServedAnswer()>& forward) -> std::optional<ServedAnswer> {
    if (r.target.rfind("/oauth/token", 0) == 0) {
      ServedAnswer a = forward();
      json body = json::parse(a.body, nullptr, false);
      if (body.is_object() && body.contains("access_token")) {
        std::lock_guard<std::mutex> lock(tokens_mu_);
        access_tokens_.push_back(body["access_token"]);
      }
      return a;
    }
    if (r.method == "POST" && r.target == "/v2/zra/crm/leads" && imports++ == 0) {
      ServedAnswer a;
      a.status = 401;
      a.headers = {{"Content-Type", "application/json"}};
      a.body = R"({"code":124,"message":"Invalid access token."})";
      return a;
    }
    return std::nullopt;
  });

  CommandResult run = zra_sync_env({"run", "-c", "CONFIG", "--log-format", "json", "--log-level", "debug", "--no-progress"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  // The run did what the test needs: a 401 answered by a new token, a rejected record, a refused source.
  {
    std::lock_guard<std::mutex> lock(tokens_mu_);
    EXPECT_EQ(access_tokens_.size(), 2u) << "a token, then a new one after the 401";
  }
  EXPECT_EQ(stored("lead").size(), 2u) << stored("lead").dump();
  std::set<std::string> phases;
  for (const auto& e : report_errors()) phases.insert(e["phase"].get<std::string>() + ":" + e["crm_id"].get<std::string>());
  EXPECT_EQ(phases, (std::set<std::string>{"mapping:R2", "source:"})) << json(report_errors()).dump(1);
  ASSERT_TRUE(fs::exists(dir_ / "metrics/zra-sync.prom"));
  ASSERT_TRUE(fs::exists(dir_ / "state/state.db"));

  CommandResult check = zra_sync_env({"check", "-c", "CONFIG", "--log-level", "debug"});
  CommandResult failed = zra_sync_env({"state", "failed", "-c", "CONFIG"});
  CommandResult exported = zra_sync_env({"state", "export", "-c", "CONFIG"});

  expect_no_secret("run stdout", run.out);
  expect_no_secret("run stderr", run.err);
  expect_no_secret("check output", check.out + check.err);
  expect_no_secret("state failed output", failed.out + failed.err);
  expect_no_secret("state export output", exported.out + exported.err);
  expect_no_secret_in_files(dir_ / "reports");
  expect_no_secret_in_files(dir_ / "metrics");
  expect_no_secret_in_files(dir_ / "state");
  EXPECT_GE(places_, 9);
  // The search itself finds what it looks for: the secret files hold their secrets.
  EXPECT_EQ(secrets_in(read_text((dir_ / "secrets/crm_token").string())), std::vector<std::string>{kCrmToken});
  EXPECT_EQ(secrets_in(read_text((dir_ / "secrets/zoom_client_secret").string())),
            std::vector<std::string>{kClientSecret});
  // The refused source's error is there, masked: the server's echo of the header did not get through.
  EXPECT_NE(run.err.find("invalid credentials: Basic ***"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace zra::testing
