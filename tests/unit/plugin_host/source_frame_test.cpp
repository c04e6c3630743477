// The framing between the host and a source host child: round trips, and every way a byte stream can be
// malformed (truncated, oversized, unknown type, inconsistent payload) gives a FrameError saying so.
#include "core/plugin_host/source_frame.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace zra::source_frame {
namespace {

using ::testing::HasSubstr;

void feed(FrameDecoder& d, const std::string& bytes) {
  std::memcpy(d.prepare(bytes.size()), bytes.data(), bytes.size());
  d.commit(bytes.size());
}

std::string header(uint32_t length, uint8_t type) {
  std::string h(4, '\0');
  for (int i = 0; i < 4; ++i) h[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  return h + static_cast<char>(type);
}

TEST(SourceFrame, ColumnsAndRowsRoundTripWithNullsEmptyValuesErrorsAndBinaryBytes) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name", "Blob"});
  std::vector<SourceRow> rows(3);
  rows[0].columns = columns;
  rows[0].locator = "accounts.csv:2";
  rows[0].values = {std::string("0017"), std::nullopt, std::string("")};
  rows[1].columns = columns;
  rows[1].locator = "accounts.csv:3";
  rows[1].error = "unterminated quote";
  rows[2].columns = columns;
  rows[2].locator = "accounts.csv:4";
  rows[2].values = {std::string("a\0b", 3), std::string(300, 'x'), std::nullopt};

  FrameWriter w;
  write_columns(w, *columns);
  w.begin(FrameType::Rows);
  for (const auto& r : rows) write_row(w, r);
  w.end();

  FrameDecoder d;
  feed(d, w.data());
  auto f1 = d.next();
  ASSERT_TRUE(f1);
  EXPECT_EQ(f1->type, FrameType::Columns);
  auto decoded_columns = std::make_shared<const std::vector<std::string>>(read_columns(f1->payload));
  EXPECT_EQ(*decoded_columns, *columns);
  auto f2 = d.next();
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->type, FrameType::Rows);
  std::vector<SourceRow> out;
  EXPECT_EQ(read_rows(f2->payload, decoded_columns, out), 3u);
  EXPECT_FALSE(d.next());
  EXPECT_FALSE(d.mid_frame());

  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].locator, "accounts.csv:2");
  EXPECT_EQ(out[0].values, rows[0].values);
  EXPECT_FALSE(out[0].error);
  EXPECT_EQ(out[0].columns, decoded_columns);
  EXPECT_EQ(out[1].locator, "accounts.csv:3");
  EXPECT_EQ(out[1].error, std::optional<std::string>("unterminated quote"));
  EXPECT_TRUE(out[1].values.empty());
  EXPECT_EQ(out[2].values, rows[2].values);
}

TEST(SourceFrame, FramesArrivingOneByteAtATimeAreReassembled) {
  FrameWriter w;
  w.begin(FrameType::Log);
  w.varint(3);
  w.text("a line the plugin logged");
  w.end();
  w.begin(FrameType::End);
  w.end();
  FrameDecoder d;
  std::vector<FrameType> seen;
  std::string message;
  for (char c : w.data()) {
    feed(d, std::string(1, c));
    while (auto f = d.next()) {
      seen.push_back(f->type);
      if (f->type == FrameType::Log) {
        PayloadReader r(f->payload);
        EXPECT_EQ(r.varint(), 3u);
        message = std::string(r.text());
        r.expect_end();
      }
    }
  }
  EXPECT_EQ(seen, (std::vector<FrameType>{FrameType::Log, FrameType::End}));
  EXPECT_EQ(message, "a line the plugin logged");
  EXPECT_FALSE(d.mid_frame());
}

TEST(SourceFrame, VarintsRoundTripAtTheirBoundaries) {
  const std::vector<uint64_t> values = {0, 1, 127, 128, 16383, 16384, 0xffffffffull, 0xffffffffffffffffull};
  FrameWriter w;
  w.begin(FrameType::Check);
  for (auto v : values) w.varint(v);
  w.end();
  FrameDecoder d;
  feed(d, w.data());
  auto f = d.next();
  ASSERT_TRUE(f);
  PayloadReader r(f->payload);
  for (auto v : values) EXPECT_EQ(r.varint(), v);
  EXPECT_TRUE(r.at_end());
}

TEST(SourceFrame, ATruncatedFrameIsIncompleteNotAFrame) {
  FrameWriter w;
  w.begin(FrameType::Open);
  w.text("accounts");
  w.text("{\"name\":\"accounts\"}");
  w.end();
  FrameDecoder d;
  feed(d, w.data().substr(0, w.data().size() - 3));
  EXPECT_FALSE(d.next());
  EXPECT_TRUE(d.mid_frame());  // end of input now = truncated frame (the host reports it)
  feed(d, w.data().substr(w.data().size() - 3));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, FrameType::Open);
}

TEST(SourceFrame, AnOversizedLengthIsRefusedBeforeItsBytesArrive) {
  FrameDecoder d(1024);
  feed(d, header(1025, static_cast<uint8_t>(FrameType::Rows)));
  try {
    d.next();
    FAIL() << "no FrameError";
  } catch (const FrameError& e) {
    EXPECT_STREQ(e.what(), "a frame length of 1025 bytes exceeds the limit of 1024 bytes");
  }
  FrameDecoder big;
  feed(big, header(0xffffffffu, static_cast<uint8_t>(FrameType::Rows)));
  EXPECT_THROW(big.next(), FrameError);
}

TEST(SourceFrame, ZeroLengthAndUnknownTypesAreRefused) {
  FrameDecoder zero;
  feed(zero, std::string(4, '\0'));
  EXPECT_THROW(zero.next(), FrameError);
  FrameDecoder unknown;
  feed(unknown, header(1, 99));
  try {
    unknown.next();
    FAIL() << "no FrameError";
  } catch (const FrameError& e) {
    EXPECT_STREQ(e.what(), "unknown frame type 99");
  }
}

TEST(SourceFrame, ATruncatedPayloadInsideACompleteFrameIsAFrameError) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name"});
  FrameWriter w;
  w.begin(FrameType::Rows);
  w.text("accounts.csv:2");
  w.varint(0);
  w.varint(5);  // a value of 4 bytes...
  w.raw("ab");  // ...of which 2 are there
  w.end();
  FrameDecoder d;
  feed(d, w.data());
  auto f = d.next();
  ASSERT_TRUE(f);
  std::vector<SourceRow> out;
  try {
    read_rows(f->payload, columns, out);
    FAIL() << "no FrameError";
  } catch (const FrameError& e) {
    EXPECT_THAT(e.what(), HasSubstr("truncated payload: a text of 4 bytes"));
  }
}

TEST(SourceFrame, MalformedPayloadsAreFrameErrors) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id"});
  FrameWriter w;
  w.begin(FrameType::Rows);
  w.text("x:1");
  w.varint(7);  // neither values (0) nor error (1)
  w.end();
  FrameDecoder d;
  feed(d, w.data());
  std::vector<SourceRow> out;
  EXPECT_THROW(read_rows(d.next()->payload, columns, out), FrameError);

  // A column count larger than the payload could hold.
  FrameWriter c;
  c.begin(FrameType::Columns);
  c.varint(1000);
  c.end();
  FrameDecoder dc;
  feed(dc, c.data());
  EXPECT_THROW(read_columns(dc.next()->payload), FrameError);

  // Bytes left over after the names.
  FrameWriter extra;
  extra.begin(FrameType::Columns);
  extra.varint(1);
  extra.text("Id");
  extra.raw("zz");
  extra.end();
  FrameDecoder de;
  feed(de, extra.data());
  EXPECT_THROW(read_columns(de.next()->payload), FrameError);

  // A varint that never ends.
  PayloadReader r(std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11));
  EXPECT_THROW(r.varint(), FrameError);
}

}  // namespace
}  // namespace zra::source_frame
