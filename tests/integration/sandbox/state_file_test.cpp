#include <cstdio>
#include <fstream>

#include "core/common/errors.h"
#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

class StateFileTest : public SandboxTest {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/sandbox_state_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::remove(path_.c_str());
  }
  SandboxOptions with_state() {
    SandboxOptions o = fast_options();
    o.state_file = path_;
    return o;
  }
  std::string path_;
};

TEST_F(StateFileTest, DataSurvivesARestart) {
  start(with_state());
  register_default();
  ASSERT_EQ(import_and_wait("accounts", json::array({account("A1"), account("A2")}))["success_count"], 2);
  TestResponse r = post("/v2/zra/crm/leads", {{"data", json::array({lead("L1")})}});
  std::string task_id = r.json()["task_id"];
  ASSERT_EQ(wait_task(task_id)["success_count"], 1);
  json before = server().state();
  // Saved after every change, not only at stop.
  {
    std::ifstream f(path_);
    ASSERT_TRUE(f.good());
    json saved = json::parse(f);
    EXPECT_EQ(saved["records"]["lead"].size(), 1u);
    EXPECT_EQ(saved["sandbox_state_version"], 1);
  }
  server().stop();

  start(with_state());
  EXPECT_EQ(server().state(), before);
  EXPECT_EQ(get("/v2/zra/crm/settings").status, 200);
  EXPECT_EQ(get("/v2/zra/crm/accounts?crm_account_ids=A2").json()["data"][0]["crm_account_id"], "A2");
  // Tasks are not kept across restarts.
  EXPECT_EQ(get("/v2/zra/crm/tasks/" + task_id).status, 404);
  // References resolve against the loaded data.
  EXPECT_EQ(import_and_wait("contacts", json::array({contact("C1", "A1")}))["success_count"], 1);
  // Unregistering with remove_all is saved too.
  ASSERT_EQ(del("/v2/zra/crm/settings?remove_all=true").status, 204);
  std::ifstream f(path_);
  json saved = json::parse(f);
  EXPECT_TRUE(saved["registration"].is_null());
  EXPECT_EQ(saved["records"]["account"], json::object());
}

TEST_F(StateFileTest, ResetIsSaved) {
  start(with_state());
  register_default();
  server().reset();
  server().stop();
  start(with_state());
  EXPECT_TRUE(server().state()["registration"].is_null());
}

TEST_F(StateFileTest, UnreadableStateNamesTheFile) {
  {
    std::ofstream f(path_);
    f << "{ not json";
  }
  try {
    SandboxServer s(with_state());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is not valid JSON"), std::string::npos) << e.what();
  }
  {
    std::ofstream f(path_);
    f << R"({"records": []})";
  }
  try {
    SandboxServer s(with_state());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "sandbox: state file '" + path_ +
                                         "' is not a sandbox state: sandbox_state_version must be 1");
  }
}

TEST(SandboxOptionsTest, BadOptionsAndFilesAreErrorsNamingThem) {
  auto message = [](SandboxOptions o) {
    try {
      SandboxServer s(std::move(o));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  SandboxOptions o;
  o.plan = "gold";
  EXPECT_EQ(message(o), "sandbox: plan must be 'pro' or 'business', not 'gold'");
  o = SandboxOptions();
  o.fail_rate = 1.5;
  EXPECT_EQ(message(o), "sandbox: fail_rate must be between 0 and 1, got 1.500000");
  o = SandboxOptions();
  o.time_scale = 0;
  EXPECT_EQ(message(o).rfind("sandbox: time_scale must be > 0", 0), 0u);
  o = SandboxOptions();
  o.licensed_users_file = "/nonexistent/users.txt";
  EXPECT_EQ(message(o), "sandbox: cannot read the licensed users file '/nonexistent/users.txt'");
  std::string users = ::testing::TempDir() + "/sandbox_bad_users.txt";
  {
    std::ofstream f(users);
    f << "good@example.com\nnot-an-email\n";
  }
  o.licensed_users_file = users;
  EXPECT_EQ(message(o), "sandbox: " + users + ":2: not an email address: 'not-an-email'");
  o = SandboxOptions();
  o.host = "256.1.1.1";
  SandboxServer s(o);
  EXPECT_THROW(s.start(), Error);
}

TEST(SandboxOptionsTest, BindFailureNamesTheAddress) {
  SandboxServer first(fast_options());
  first.start();
  SandboxOptions o = fast_options();
  o.port = first.port();
  SandboxServer second(o);
  try {
    second.start();
    FAIL() << "expected a bind error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(first.base_url(), "http://127.0.0.1:" + std::to_string(first.port()) + "/v2");
  EXPECT_EQ(first.token_url(), "http://127.0.0.1:" + std::to_string(first.port()) + "/oauth/token");
}

}  // namespace
}  // namespace zra::sandbox::test
