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
  {
    SourceRowRefill fill(out);
    EXPECT_EQ(read_rows(f2->payload, decoded_columns, fill), 3u);
  }
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

// Decodes `rows` as one Rows frame into `out`, refilling what `out` held.
void refill(const std::shared_ptr<const std::vector<std::string>>& columns, const std::vector<SourceRow>& rows,
            std::vector<SourceRow>& out) {
  FrameWriter w;
  w.begin(FrameType::Rows);
  for (const auto& r : rows) write_row(w, r);
  w.end();
  FrameDecoder d;
  feed(d, w.data());
  SourceRowRefill fill(out);
  EXPECT_EQ(read_rows(d.next()->payload, columns, fill), rows.size());
}

SourceRow row_of(const std::shared_ptr<const std::vector<std::string>>& columns, std::string locator,
                 std::vector<std::optional<std::string>> values, std::optional<std::string> error = std::nullopt) {
  SourceRow r;
  r.columns = columns;
  r.locator = std::move(locator);
  r.values = std::move(values);
  r.error = std::move(error);
  return r;
}

TEST(SourceFrame, ARefilledBatchKeepsNothingOfTheRowsItReplaces) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name"});
  auto other = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name"});
  const std::vector<SourceRow> first = {
      row_of(columns, "a.csv:2", {std::string("A1"), std::string(100, 'n')}),
      row_of(columns, "a.csv:3", {}, std::string("unterminated quote")),
      row_of(columns, "a.csv:4", {std::string("A3"), std::nullopt}),
  };
  // Values where there were none, none where there were, shorter text, an error where values were, and
  // new columns: nothing of the first batch may show through.
  const std::vector<SourceRow> second = {
      row_of(other, "b.csv:9", {std::nullopt, std::string("short")}),
      row_of(other, "b.csv:10", {std::string("B2"), std::string("")}),
  };
  const std::vector<SourceRow> third = {row_of(other, "b.csv:11", {}, std::string("bad UTF-8"))};
  std::vector<SourceRow> out;
  refill(columns, first, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].values, first[0].values);
  refill(other, second, out);
  ASSERT_EQ(out.size(), 2u);
  for (size_t i = 0; i < second.size(); ++i) {
    EXPECT_EQ(out[i].locator, second[i].locator);
    EXPECT_EQ(out[i].values, second[i].values);
    EXPECT_FALSE(out[i].error);
    EXPECT_EQ(out[i].columns, other);
  }
  refill(other, third, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].locator, "b.csv:11");
  EXPECT_EQ(out[0].error, std::optional<std::string>("bad UTF-8"));
  EXPECT_TRUE(out[0].values.empty());
  refill(columns, first, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].values, first[0].values);
  EXPECT_EQ(out[1].error, first[1].error);
  EXPECT_EQ(out[2].values, first[2].values);
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
    SourceRowRefill fill(out);
    read_rows(f->payload, columns, fill);
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
  {
    SourceRowRefill fill(out);
    EXPECT_THROW(read_rows(d.next()->payload, columns, fill), FrameError);
  }

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
