// first_invalid_utf8 (core/common/utf8.h), the check that keeps Latin-1 config and mapping files out.
#include <gtest/gtest.h>

#include "core/common/utf8.h"

namespace zra {
namespace {

using namespace std::string_literals;
constexpr size_t kValid = std::string_view::npos;

TEST(FirstInvalidUtf8, AcceptsWellFormedTextOfEveryLength) {
  EXPECT_EQ(first_invalid_utf8(""), kValid);
  EXPECT_EQ(first_invalid_utf8("plain ascii\n"), kValid);
  EXPECT_EQ(first_invalid_utf8("Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\x89"), kValid);
  EXPECT_EQ(first_invalid_utf8("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), kValid);
  EXPECT_EQ(first_invalid_utf8("nul \0 is valid UTF-8"s), kValid);
}

TEST(FirstInvalidUtf8, GivesTheOffsetOfTheFirstIllFormedSequence) {
  EXPECT_EQ(first_invalid_utf8("Caf\xE9"), 3u);                // Latin-1
  EXPECT_EQ(first_invalid_utf8("ab\xC0\xAF"), 2u);             // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xC1\xBF"), 0u);               // overlong
  EXPECT_EQ(first_invalid_utf8("x\xE0\x80\x80"), 1u);          // overlong, 3 bytes
  EXPECT_EQ(first_invalid_utf8("xy\xED\xA0\x80"), 2u);         // surrogate
  EXPECT_EQ(first_invalid_utf8("\xF0\x80\x80\x80"), 0u);       // overlong, 4 bytes
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);       // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("ok\x80"), 2u);                 // lone continuation byte
  EXPECT_EQ(first_invalid_utf8("ok\xC3"), 2u);                 // cut short at the end
  EXPECT_EQ(first_invalid_utf8("\xE2\x82"), 0u);
  EXPECT_EQ(first_invalid_utf8("a\xC3(b"), 1u);                // bad continuation
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xE2\x82\xAC\xFF"), 5u);
}

}  // namespace
}  // namespace zra
