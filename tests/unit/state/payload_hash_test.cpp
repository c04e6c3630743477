#include "core/state/payload_hash.h"

#include <gtest/gtest.h>

namespace zra {
namespace {

TEST(PayloadHash, IsTheFirstSixteenBytesOfSha256InHex) {
  EXPECT_EQ(payload_hash(""), "e3b0c44298fc1c149afbf4c8996fb924");
  EXPECT_EQ(payload_hash("abc"), "ba7816bf8f01cfea414140de5dae2223");
  EXPECT_EQ(payload_hash(R"({"crm_account_id":"a1"})"), payload_hash(R"({"crm_account_id":"a1"})"));
  EXPECT_NE(payload_hash(R"({"crm_account_id":"a1"})"), payload_hash(R"({"crm_account_id":"a2"})"));
  EXPECT_EQ(payload_hash(std::string_view("a\0b", 3)).size(), 32u);
  EXPECT_NE(payload_hash(std::string_view("a\0b", 3)), payload_hash(std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace zra
