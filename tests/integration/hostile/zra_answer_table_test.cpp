// Hostile ZRA answers (through ZraProxy, or the sandbox's own options): a body that is not JSON, a 200
// where the API promises 202, a task that never finishes. Each gets its exact error and exit code, no
// record is ever counted confirmed that ZRA did not confirm, and a rerun once ZRA behaves stores them all.
#include "tests/integration/hostile/hostile_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kRun = {"run", "-c", "CONFIG", "--no-progress"};
const char* kHtml = "<html><body><h1>502 Bad Gateway</h1></body></html>";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Two leads, a registered CRM, and `zra_extra` in the zra section.
void prepare_leads(HostileFixture& f, const std::string& zra_extra = "") {
  f.write_default_mappings();
  f.write_file("data/leads.csv", "Id,Name,Email,Company,Modified\n"
                                 "L1,Lead 1,l1@x.example,Co,2025-11-20T12:00:00Z\n"
                                 "L2,Lead 2,l2@x.example,Co,2025-11-20T12:00:00Z\n");
  f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"), zra_extra);
  f.register_crm();
}

ServedAnswer answer(int status, std::string body, std::string content_type = "application/json") {
  ServedAnswer a;
  a.status = status;
  a.body = std::move(body);
  a.headers = {{"Content-Type", content_type}};
  return a;
}

// Answers `method path-prefix` with `make()` while faults are on; everything else reaches the sandbox.
void intercept_route(HostileFixture& f, std::string method, std::string path_prefix,
                     std::function<ServedAnswer(const std::function<ServedAnswer()>&)> make) {
  f.intercept([&f, method, path_prefix, make](const ServedRequest& r,
                                               const std::function<ServedAnswer()>& forward) -> std::optional<ServedAnswer> {
    if (!f.faults_on || r.method != method || !starts_with(r.target, path_prefix)) return std::nullopt;
    return make(forward);
  });
}

// Every report line is about L1/L2, in `phase`, with `detail_part` in its detail.
void expect_both_reported(HostileFixture& f, const std::string& phase, const std::string& detail_part) {
  auto errors = f.report_errors();
  ASSERT_EQ(errors.size(), 2u) << json(errors).dump(1);
  std::set<std::string> ids;
  for (const auto& e : errors) {
    ids.insert(e["crm_id"].get<std::string>());
    EXPECT_EQ(e["phase"], phase) << e.dump();
    EXPECT_NE(e["detail"].get<std::string>().find(detail_part), std::string::npos) << e.dump();
  }
  EXPECT_EQ(ids, (std::set<std::string>{"L1", "L2"}));
  EXPECT_EQ(f.report_summary()["types"]["lead"].value("confirmed", 0), 0) << "nothing confirmed that ZRA did not confirm";
}

// Faults off, run again: exit 0 and both leads held by ZRA.
void expect_rerun_converges(HostileFixture& f) {
  f.faults_on = false;
  CommandResult again = f.zra_sync(kRun);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(f.stored("lead").size(), 2u);
}

}  // namespace

std::vector<HostileRow> zra_answer_rows() {
  std::vector<HostileRow> rows;
  rows.push_back({"import_answer_not_json",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "POST", "/v2/zra/crm/leads", [](auto&) { return answer(202, kHtml, "text/html"); });
                    f.expect_text("POST " + f.proxy->origin() +
                                  "/v2/zra/crm/leads answered with an unexpected body (not a JSON object): '<html>");
                    return kRun;
                  },
                  3, {},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "transport", "import failed: ");
                    expect_rerun_converges(f);
                  }});
  rows.push_back({"import_200_instead_of_202_with_a_task_id_is_accepted",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "POST", "/v2/zra/crm/leads", [](const std::function<ServedAnswer()>& forward) {
                      ServedAnswer a = forward();
                      if (a.status == 202) a.status = 200;
                      return a;
                    });
                    return kRun;
                  },
                  0, {},
                  [](HostileFixture& f) {
                    EXPECT_EQ(f.proxy->intercepted(), 1);
                    EXPECT_EQ(f.stored("lead").size(), 2u);
                    EXPECT_EQ(f.report_summary()["types"]["lead"].value("confirmed", 0), 2);
                  }});
  rows.push_back({"import_200_without_a_task_id",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "POST", "/v2/zra/crm/leads",
                                    [](auto&) { return answer(200, R"({"code":200,"message":"Success"})"); });
                    f.expect_text("POST " + f.proxy->origin() +
                                  "/v2/zra/crm/leads answered with an unexpected body (no task_id): "
                                  "'{\"code\":200,\"message\":\"Success\"}'");
                    return kRun;
                  },
                  3, {},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "transport", "(no task_id)");
                    expect_rerun_converges(f);
                  }});
  rows.push_back({"import_error_answer_not_json",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "POST", "/v2/zra/crm/leads",
                                    [](auto&) { return answer(400, "Bad Request", "text/plain"); });
                    f.expect_text("POST " + f.proxy->origin() + "/v2/zra/crm/leads");
                    return kRun;
                  },
                  3, {"400", "Bad Request"},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "transport", "import failed: ");
                    expect_rerun_converges(f);
                  }});
  rows.push_back({"task_answer_not_json",
                  [](HostileFixture& f) {
                    prepare_leads(f, "  poll: { initial_ms: 20, max_ms: 100, timeout_s: 1 }\n");
                    intercept_route(f, "GET", "/v2/zra/crm/tasks/", [](auto&) { return answer(200, "not json at all"); });
                    return kRun;
                  },
                  1, {},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "unconfirmed", "answered with an unexpected body (not a JSON object): "
                                                           "'not json at all'");
                    EXPECT_EQ(f.stored("lead").size(), 2u) << "ZRA stored them; zra-sync could not confirm it";
                    expect_rerun_converges(f);
                  }});
  rows.push_back({"task_status_unknown",
                  [](HostileFixture& f) {
                    prepare_leads(f, "  poll: { initial_ms: 20, max_ms: 100, timeout_s: 1 }\n");
                    intercept_route(f, "GET", "/v2/zra/crm/tasks/",
                                    [](auto&) { return answer(200, R"({"task_id":"x","task_status":"DONE"})"); });
                    return kRun;
                  },
                  1, {},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "unconfirmed", "(unknown task_status 'DONE')");
                    expect_rerun_converges(f);
                  }});
  rows.push_back({"task_never_finishes",
                  [](HostileFixture& f) {
                    sandbox::SandboxOptions o = f.sandbox_options_;
                    o.task_delay_s = 86400;
                    f.start_sandbox(o);
                    prepare_leads(f, "  poll: { initial_ms: 20, max_ms: 100, timeout_s: 1 }\n");
                    return kRun;
                  },
                  1, {},
                  [](HostileFixture& f) {
                    expect_both_reported(f, "unconfirmed", " did not finish within poll.timeout_s");
                    EXPECT_EQ(f.stored("lead").size(), 0u);
                  }});
  rows.push_back({"token_answer_not_json",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "POST", "/oauth/token", [](auto&) { return answer(200, kHtml, "text/html"); });
                    f.expect_text("POST " + f.proxy->origin() + "/oauth/token");
                    return kRun;
                  },
                  3, {"answered with an unexpected body (not a JSON object): '<html>"},
                  [](HostileFixture& f) { EXPECT_EQ(f.import_calls(), 0); }});
  rows.push_back({"settings_answer_not_json",
                  [](HostileFixture& f) {
                    prepare_leads(f);
                    intercept_route(f, "GET", "/v2/zra/crm/settings", [](auto&) { return answer(200, "[1,2,3]"); });
                    f.expect_text("registration: GET " + f.proxy->origin() +
                                  "/v2/zra/crm/settings answered with an unexpected body (not a JSON object): '[1,2,3]'");
                    return std::vector<std::string>{"check", "-c", "CONFIG"};  // `run` does not read the settings
                  },
                  3, {"check found problems"}, [](HostileFixture& f) { EXPECT_EQ(f.import_calls(), 0); }});
  return rows;
}

namespace {

class ZraAnswerTable : public HostileFixture, public ::testing::WithParamInterface<HostileRow> {};

TEST_P(ZraAnswerTable, ExactErrorAndNothingFalselyConfirmed) { run_row(GetParam(), "zra_answer"); }

INSTANTIATE_TEST_SUITE_P(Hostile, ZraAnswerTable, ::testing::ValuesIn(zra_answer_rows()), row_name);

// The figure for issue 8: how many bad inputs the tables hold.
TEST(HostileTables, Count) {
  size_t config = config_rows().size(), data = data_rows().size(), zra = zra_answer_rows().size();
  std::cout << "[hostile] tables hold " << config + data + zra << " bad inputs (config " << config << ", data "
            << data << ", zra answers " << zra << ")\n";
  EXPECT_GE(config + data + zra, 50u);
}

}  // namespace
}  // namespace zra::testing
