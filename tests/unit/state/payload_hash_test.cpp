#include "core/state/payload_hash.h"

#include <gtest/gtest.h>

namespace zra {
namespace {

TEST(PayloadHash, Xxh3IsTheCanonicalXxh3_128InHex) {
  // The empty input's XXH3-128 is xxHash's published test vector; canonical = big-endian, as xxhsum -H2.
  EXPECT_EQ(payload_hash("", HashScheme::Xxh3), "99aa06d3014798d86001c324468d497f");
  EXPECT_EQ(payload_hash("abc", HashScheme::Xxh3), "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(payload_hash(R"({"crm_account_id":"a1"})", HashScheme::Xxh3), "139a3b8f6a282413c9732d041bc6f54a");
  EXPECT_NE(payload_hash(R"({"crm_account_id":"a1"})", HashScheme::Xxh3),
            payload_hash(R"({"crm_account_id":"a2"})", HashScheme::Xxh3));
  EXPECT_NE(payload_hash(std::string_view("a\0b", 3), HashScheme::Xxh3),
            payload_hash(std::string_view("a\0c", 3), HashScheme::Xxh3));
}

TEST(PayloadHash, Sha256IsTheFirstSixteenBytesOfSha256InHex) {
  EXPECT_EQ(payload_hash("", HashScheme::Sha256), "e3b0c44298fc1c149afbf4c8996fb924");
  EXPECT_EQ(payload_hash("abc", HashScheme::Sha256), "ba7816bf8f01cfea414140de5dae2223");
  EXPECT_EQ(payload_hash(std::string_view("a\0b", 3), HashScheme::Sha256).size(), 32u);
  EXPECT_NE(payload_hash(std::string_view("a\0b", 3), HashScheme::Sha256),
            payload_hash(std::string_view("a\0c", 3), HashScheme::Sha256));
}

TEST(PayloadHash, TheOutParameterFormReusesItsStringAndAgrees) {
  std::string out = std::string(100, 'z');
  for (HashScheme s : {HashScheme::Sha256, HashScheme::Xxh3}) {
    payload_hash("abc", s, out);
    EXPECT_EQ(out, payload_hash("abc", s));
  }
}

TEST(PayloadHash, SchemeNamesRoundTripAndUnknownOnesAreRefused) {
  EXPECT_EQ(to_string(HashScheme::Sha256), "sha256-128");
  EXPECT_EQ(to_string(HashScheme::Xxh3), "xxh3-128");
  EXPECT_EQ(parse_hash_scheme("sha256-128"), HashScheme::Sha256);
  EXPECT_EQ(parse_hash_scheme("xxh3-128"), HashScheme::Xxh3);
  EXPECT_EQ(parse_hash_scheme("sha256"), std::nullopt);
  EXPECT_EQ(parse_hash_scheme(""), std::nullopt);
  EXPECT_EQ(kNewStateHashScheme, HashScheme::Xxh3);
}

}  // namespace
}  // namespace zra
