// The JSON text writer must write what nlohmann's dump() writes, byte for byte (bodies are hashed and
// the state compares hashes), and refuse exactly the strings dump() refuses as invalid UTF-8.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <nlohmann/json.hpp>

#include "mapping/json_text_writer.h"

namespace zra {
namespace {

using nlohmann::json;

// What dump() gives for `s`, or nullopt when it throws for invalid UTF-8.
std::optional<std::string> dumped(const std::string& s) {
  try {
    return json(s).dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error&) {
    return std::nullopt;
  }
}

std::optional<std::string> written(const std::string& s) {
  std::string out = "prefix:";
  if (!append_json_string(out, s)) return std::nullopt;
  EXPECT_EQ(out.compare(0, 7, "prefix:"), 0);  // appends, never rewrites what was there
  return out.substr(7);
}

TEST(JsonTextWriter, EscapesLikeDump) {
  EXPECT_EQ(*written("plain"), "\"plain\"");
  EXPECT_EQ(*written(""), "\"\"");
  EXPECT_EQ(*written("say \"hi\"\\ / end"), R"("say \"hi\"\\ / end")");
  EXPECT_EQ(*written("a\tb\nc\rd\be\ff"), R"("a\tb\nc\rd\be\ff")");
  EXPECT_EQ(*written(std::string("nul\0x\x1f\x7f", 7)), "\"nul\\u0000x\\u001f\x7f\"");
  EXPECT_EQ(*written("Zürich – 東京 🎉"), "\"Zürich – 東京 🎉\"");
  for (int c = 0; c < 0x80; ++c) {
    std::string s = "x" + std::string(1, static_cast<char>(c)) + "y";
    EXPECT_EQ(written(s), dumped(s)) << "byte " << c;
  }
}

TEST(JsonTextWriter, RefusesWhatDumpRefuses) {
  const char* bad[] = {"\xff", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80",
                       "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "ok\xc3",
                       "\xe2\x82", "\xf0\x9f\x8e", "a\xc3(b"};
  for (const char* s : bad) {
    EXPECT_EQ(written(s), std::nullopt) << s;
    EXPECT_EQ(dumped(s), std::nullopt) << s;
  }
  const char* good[] = {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
                        "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"};
  for (const char* s : good) {
    ASSERT_TRUE(written(s).has_value()) << s;
    EXPECT_EQ(written(s), dumped(s)) << s;
  }
}

TEST(JsonTextWriter, RandomBytesAgreeWithDump) {
  std::mt19937 rnd(7);
  const std::string alphabet = std::string("ab\"\\\n\t\x01\x7f", 8) + "\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x89\xed\xa0\xc0\xff\x80";
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    size_t n = rnd() % 12;
    for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rnd() % alphabet.size()]);
    ASSERT_EQ(written(s), dumped(s)) << json(s).dump(-1, ' ', true, json::error_handler_t::replace);
  }
}

// Plain text is skipped 8 bytes at a time: every byte value, at every offset of a long plain string (so
// in every lane of a word and in the tail after the last whole word), must be seen and treated like dump.
TEST(JsonTextWriter, EveryByteAtEveryOffsetOfPlainTextAgreesWithDump) {
  const std::string plain = "The quick brown fox jumps over the lazy dog 0123456789";
  for (int c = 0; c < 0x100; ++c) {
    for (size_t at = 0; at < plain.size(); ++at) {
      std::string s = plain;
      s[at] = static_cast<char>(c);
      ASSERT_EQ(written(s), dumped(s)) << "byte " << c << " at " << at;
      if (c >= 0x80 && at + 1 < plain.size()) {  // and as the lead of a two-byte character (é, or invalid)
        s[at + 1] = static_cast<char>(0xA9);
        ASSERT_EQ(written(s), dumped(s)) << "byte " << c << " 0xA9 at " << at;
      }
    }
  }
}

TEST(JsonTextWriter, IntegersLikeDump) {
  for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{-42}, int64_t{1250000}, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    std::string out;
    append_json_integer(out, v);
    EXPECT_EQ(out, json(v).dump());
  }
}

TEST(JsonTextWriter, NumbersLikeDump) {
  std::vector<double> values = {0.5, 1250000.5, 0.1, 1e21, 1e15, 1e16, 123456789012345680.0, 1.5e-7, 1e-5,
                                -0.0, 5e-324, 1.7976931348623157e308, 9007199254740993.0, 2.0 / 3.0, -98000.25};
  std::mt19937_64 rnd(11);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rnd();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    values.push_back(d);
    values.push_back(static_cast<double>(rnd() % 100000000) / 100.0);
  }
  for (double d : values) {
    std::string out;
    append_json_number(out, d);
    ASSERT_EQ(out, json(d).dump()) << d;
  }
  std::string out;
  append_json_number(out, std::nan(""));
  append_json_number(out, std::numeric_limits<double>::infinity());
  EXPECT_EQ(out, "nullnull");
}

}  // namespace
}  // namespace zra
