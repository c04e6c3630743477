// What `zra-sync state show|failed|forget|export` reads.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::settle_all;
using state_test::TempDir;

class Inspect : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = StateStore::open(dir_.file("state.db"), clock_);
    settle_all(*store_, "run-1", ObjectType::Account, {item("a1", "h1"), item("a2", "h2")}, ItemOutcome::Confirmed, "t1");
    settle_all(*store_, "run-1", ObjectType::Account, {item("a3", "h3")}, ItemOutcome::Rejected, "t2", "bad domain");
    settle_all(*store_, "run-1", ObjectType::Deal, {item("d1", "h4", "deals")}, ItemOutcome::Unconfirmed, "t3",
               "task expired (404)");
    settle_all(*store_, "run-1", ObjectType::Lead, {item("l1", "h5", "leads", true)}, ItemOutcome::Confirmed, "t4");
  }
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(Inspect, CountsPerTypeAndOutcome) {
  const OutcomeCounts c = store_->counts();
  const std::map<std::string, std::map<std::string, int64_t>> expected = {
      {"account", {{"confirmed", 2}, {"rejected", 1}}},
      {"deal", {{"unconfirmed", 1}}},
      {"lead", {{"deleted", 1}}},
  };
  EXPECT_EQ(c.counts, expected);
}

TEST_F(Inspect, FailedListsRejectedAndUnconfirmedWithTheReason) {
  std::vector<std::string> lines;
  store_->for_each_failed([&](ObjectType type, const std::string& id, const RecordState& s) {
    lines.push_back(std::string(to_string(type)) + " " + id + " " + std::string(to_string(s.outcome)) + " " +
                    s.task_id + " " + s.detail);
  });
  EXPECT_EQ(lines, (std::vector<std::string>{"account a3 rejected t2 bad domain",
                                             "deal d1 unconfirmed t3 task expired (404)"}));
}

TEST_F(Inspect, FailedPagesThroughManyRecords) {
  std::vector<JournalItem> items;
  for (int i = 0; i < 2100; ++i) items.push_back(item("c" + std::to_string(1000 + i), "h", "contacts"));
  settle_all(*store_, "run-2", ObjectType::Contact, items, ItemOutcome::Rejected, "t5", "x");
  int64_t contacts = 0;
  std::string last;
  bool ordered = true;
  store_->for_each_failed([&](ObjectType type, const std::string& id, const RecordState&) {
    if (type != ObjectType::Contact) return;
    ordered = ordered && last < id;
    last = id;
    ++contacts;
  });
  EXPECT_EQ(contacts, 2100);
  EXPECT_TRUE(ordered);
}

TEST_F(Inspect, ForgetRemovesRecordsAndCountsWhatExisted) {
  EXPECT_EQ(store_->forget(ObjectType::Account, {"a1", "a3", "nope"}), 2);
  EXPECT_FALSE(store_->lookup(ObjectType::Account, {"a1"})[0].has_value());
  EXPECT_TRUE(store_->lookup(ObjectType::Account, {"a2"})[0].has_value());
  EXPECT_EQ(store_->forget(ObjectType::Deal, {"a2"}), 0);
  EXPECT_EQ(store_->forget(ObjectType::Account, {}), 0);
}

TEST_F(Inspect, ExportWritesOneJsonObjectPerRecord) {
  std::ostringstream out;
  store_->export_jsonl(out);
  const std::string expected =
      R"j({"confirmed_hash":"h1","crm_id":"a1","detail":"","outcome":"confirmed","payload_hash":"h1","run_id":"run-1","stream":"accounts","task_id":"t1","type":"account","updated_at":1764000000})j"
      "\n"
      R"j({"confirmed_hash":"h2","crm_id":"a2","detail":"","outcome":"confirmed","payload_hash":"h2","run_id":"run-1","stream":"accounts","task_id":"t1","type":"account","updated_at":1764000000})j"
      "\n"
      R"j({"confirmed_hash":null,"crm_id":"a3","detail":"bad domain","outcome":"rejected","payload_hash":"h3","run_id":"run-1","stream":"accounts","task_id":"t2","type":"account","updated_at":1764000000})j"
      "\n"
      R"j({"confirmed_hash":null,"crm_id":"d1","detail":"task expired (404)","outcome":"unconfirmed","payload_hash":"h4","run_id":"run-1","stream":"deals","task_id":"t3","type":"deal","updated_at":1764000000})j"
      "\n"
      R"j({"confirmed_hash":null,"crm_id":"l1","detail":"","outcome":"deleted","payload_hash":"h5","run_id":"run-1","stream":"leads","task_id":"t4","type":"lead","updated_at":1764000000})j"
      "\n";
  EXPECT_EQ(out.str(), expected);
}

TEST_F(Inspect, ExportEscapesAnythingASourceCanPutInAnIdOrZraInADetail) {
  const std::string odd_id = std::string("q\"b\\s\nc\x01 caf\xc3\xa9 bad\xff end");
  settle_all(*store_, "run-1", ObjectType::Contact, {item(odd_id, "h9", "contacts")}, ItemOutcome::Rejected, "t9",
             "line1\n\tline2 \xe2\x82\xac \xed\xa0\x80");
  std::ostringstream out;
  store_->export_jsonl(out);
  std::istringstream lines(out.str());
  std::string line;
  nlohmann::json contact;
  int count = 0;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line);  // every line is valid JSON
    ++count;
    if (j["type"] == "contact") contact = j;
  }
  EXPECT_EQ(count, 6);
  EXPECT_EQ(contact["crm_id"], "q\"b\\s\nc\x01 caf\xc3\xa9 bad\xef\xbf\xbd end");
  EXPECT_EQ(contact["detail"], "line1\n\tline2 \xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_NE(out.str().find(R"("crm_id":"q\"b\\s\nc\u0001 caf)"), std::string::npos) << out.str();
}

TEST_F(Inspect, ExportToABrokenStreamIsAnError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_THROW(store_->export_jsonl(out), Error);
}

}  // namespace
}  // namespace zra
