#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using GetByIdsTest = SandboxTest;

TEST_F(GetByIdsTest, ReturnsStoredRecordsInTheOrderAsked) {
  start();
  EXPECT_EQ(get("/v2/zra/crm/accounts?crm_account_ids=A1").status, 409);
  register_default();
  ASSERT_EQ(import_and_wait("accounts", json::array({account("A1"), account("A 2"), account("A3")}))["success_count"], 3);
  TestResponse r = get("/v2/zra/crm/accounts?crm_account_ids=A3,missing,A%202,A3");
  ASSERT_EQ(r.status, 200) << r.body;
  json data = r.json()["data"];
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0]["crm_account_id"], "A3");
  EXPECT_EQ(data[1]["crm_account_id"], "A 2");
  EXPECT_EQ(data[0]["account_name"], "Account A3");
  EXPECT_EQ(data[0]["zra_account_id"].get<std::string>().substr(29), "A3");
  EXPECT_EQ(get("/v2/zra/crm/contacts?crm_contact_ids=A1").json()["data"], json::array());
}

TEST_F(GetByIdsTest, IdsAreRequiredAndLimited) {
  SandboxOptions o = fast_options();
  o.max_ids = 3;
  start(o);
  register_default();
  TestResponse missing = get("/v2/zra/crm/deals");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["errors"][0]["field"], "crm_deal_ids");
  EXPECT_EQ(get("/v2/zra/crm/deals?crm_deal_ids=").status, 400);
  EXPECT_EQ(get("/v2/zra/crm/leads?crm_lead_ids=a,b,c").status, 200);
  TestResponse too_many = get("/v2/zra/crm/leads?crm_lead_ids=a,b,c,d");
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.json(), (json{{"code", 300},
                                   {"message", "Too many IDs to query."},
                                   {"errors", {{{"field", "crm_lead_ids"}, {"message", "4 ids, at most 3"}}}}}));
}

}  // namespace
}  // namespace zra::sandbox::test
