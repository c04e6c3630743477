// Unit tests: a RestSource over FakeTransport — pagination styles, loops, malformed pages, locators.
#include <gtest/gtest.h>

#include "plugins/rest/rest_errors.h"
#include "plugins/rest/rest_source.h"
#include "tests/support/fake_transport.h"

namespace zra::rest {
namespace {

using nlohmann::json;
using Row = std::vector<std::optional<std::string>>;

class HalfRandom : public RandomSource {
 public:
  double uniform() override { return 0.5; }
};

const std::string kBase = "http://127.0.0.1:9/api";

struct StreamFixture : ::testing::Test {
  FakeTransport* transport = nullptr;
  ManualClock clock;
  std::vector<std::string> logged;
  std::unique_ptr<RestSource> source;

  void make(json settings = json::object()) {
    if (!settings.contains("base_url")) settings["base_url"] = kBase;
    auto t = std::make_unique<FakeTransport>();
    transport = t.get();
    source = std::make_unique<RestSource>(parse_source_settings(settings), std::move(t), clock,
                                          std::make_unique<HalfRandom>(),
                                          [this](int, const std::string& m) { logged.push_back(m); });
  }
  // Reads a whole stream; returns every page.
  std::vector<RestPage> read_all(json stream) {
    auto s = source->open(stream);
    std::vector<RestPage> pages;
    RestPage page;
    while (s->next(page)) pages.push_back(page);
    return pages;
  }
  // The StreamError message reading the stream ends with ("" when it does not fail).
  std::string read_error(json stream, size_t* pages_read = nullptr) {
    auto s = source->open(stream);
    RestPage page;
    size_t n = 0;
    try {
      while (s->next(page)) ++n;
    } catch (const StreamError& e) {
      if (pages_read) *pages_read = n;
      return e.what();
    }
    return "";
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : transport->requests()) out.push_back(r.url);
    return out;
  }
};

TEST_F(StreamFixture, PagePaginationStopsOnAnEmptyPageWithExactLocators) {
  make();
  transport->push(200, R"({"data":[{"id":"c1","name":"Ann"},{"id":"c2","name":"Bob"}]})");
  transport->push(200, R"({"data":[{"id":"c3","owner":{"email":"x@y.z"}}]})");
  transport->push(200, R"({"data":[]})");
  auto pages = read_all(json{{"path", "/contacts"},
                             {"records", "/data"},
                             {"pagination", {{"type", "page"}, {"size", 2}}}});
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(urls(), (std::vector<std::string>{kBase + "/contacts?page=1&per_page=2", kBase + "/contacts?page=2&per_page=2",
                                               kBase + "/contacts?page=3&per_page=2"}));
  EXPECT_EQ(pages[0].table.columns, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(pages[0].table.rows[1], (Row{"c2", "Bob"}));
  EXPECT_EQ(pages[0].locators, (std::vector<std::string>{"GET /contacts page 1 item 1", "GET /contacts page 1 item 2"}));
  EXPECT_EQ(pages[1].table.columns, (std::vector<std::string>{"id", "owner.email"}));
  EXPECT_EQ(pages[1].locators, (std::vector<std::string>{"GET /contacts page 2 item 1"}));
  EXPECT_EQ(request_header(transport->request(0), "Accept"), "application/json");
}

TEST_F(StreamFixture, OffsetAdvancesByRecordsReceived) {
  make();
  transport->push(200, R"([{"id":1},{"id":2},{"id":3}])");
  transport->push(200, R"([{"id":4}])");
  transport->push(200, "[]");
  auto pages = read_all(json{{"path", "/deals"}, {"pagination", {{"type", "offset"}, {"limit", 3}}}});
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(urls(), (std::vector<std::string>{kBase + "/deals?offset=0&limit=3", kBase + "/deals?offset=3&limit=3",
                                               kBase + "/deals?offset=4&limit=3"}));
}

TEST_F(StreamFixture, CursorPaginationWithSinceParams) {
  make();
  transport->push(200, R"({"items":[{"id":1}],"meta":{"next":"abc/1"}})");
  transport->push(200, R"({"items":[{"id":2}],"meta":{"next":null}})");
  auto pages = read_all(json{{"path", "/contacts"},
                             {"since", "2025-11-20T12:00:00Z"},
                             {"params", {{"updated_since", "{since}"}}},
                             {"records", "/items"},
                             {"pagination", {{"type", "cursor"}, {"cursor", "/meta/next"}, {"param", "after"}}}});
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(urls(), (std::vector<std::string>{kBase + "/contacts?updated_since=2025-11-20T12%3A00%3A00Z",
                                               kBase + "/contacts?updated_since=2025-11-20T12%3A00%3A00Z&after=abc%2F1"}));
}

TEST_F(StreamFixture, RepeatedCursorFailsAfterDeliveringThePage) {
  make();
  transport->push(200, R"({"data":[{"id":1}],"next":"same"})");
  transport->push(200, R"({"data":[{"id":2}],"next":"same"})");
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/loop"}, {"records", "/data"}, {"pagination", {{"type", "cursor"}}}}, &pages),
            "stream /loop: pagination (cursor) after page 2: the server returned the cursor \"same\" a second time; "
            "stopping instead of looping forever");
  EXPECT_EQ(pages, 2u);
}

TEST_F(StreamFixture, NextUrlRelativeAndAbsoluteThenLoopAndForeignOrigin) {
  make();
  transport->push(200, R"({"data":[{"id":1}],"links":{"next":"/api/contacts?after=1"}})");
  transport->push(200, R"({"data":[{"id":2}],"links":{"next":")" + kBase + R"(/contacts?after=2"}})");
  transport->push(200, R"({"data":[{"id":3}],"links":{}})");
  json stream{{"path", "/contacts"}, {"records", "/data"}, {"pagination", {{"type", "next_url"}}}};
  EXPECT_EQ(read_all(stream).size(), 3u);
  EXPECT_EQ(urls()[1], kBase + "/contacts?after=1");
  EXPECT_EQ(urls()[2], kBase + "/contacts?after=2");

  make();
  transport->push(200, R"({"data":[{"id":1}],"links":{"next":"contacts"}})");
  EXPECT_EQ(read_error(stream), "stream /contacts: pagination (next_url) after page 1: the server returned the next link \"" +
                                    kBase + "/contacts\" a second time; stopping instead of looping forever");
  make();
  transport->push(200, R"({"data":[{"id":1}],"links":{"next":"https://evil.example/steal"}})");
  EXPECT_EQ(read_error(stream), "stream /contacts: pagination (next_url) after page 1: the next link "
                                "\"https://evil.example/steal\" leaves http://127.0.0.1:9; refusing to send credentials "
                                "to another origin");
}

TEST_F(StreamFixture, LinkHeaderPagination) {
  make();
  transport->push(200, R"([{"id":1}])", {{"Link", R"(<)" + kBase + R"(/c?page=2>; rel="next", <)" + kBase + R"(/c?page=9>; rel="last")"}});
  transport->push(200, R"([{"id":2}])", {{"link", R"(<?page=3>; rel="next")"}});
  transport->push(200, R"([{"id":3}])");
  auto pages = read_all(json{{"path", "/c"}, {"pagination", {{"type", "link_header"}}}});
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(urls(), (std::vector<std::string>{kBase + "/c", kBase + "/c?page=2", kBase + "/c?page=3"}));
  EXPECT_EQ(pages[2].locators[0], "GET /c page 3 item 1");
}

TEST_F(StreamFixture, PageIgnoringTheParameterIsDetected) {
  make();
  transport->push(200, R"([{"id":1}])");
  transport->push(200, R"([{"id":1}])");
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"pagination", {{"type", "page"}, {"size_param", ""}}}}),
            "stream /c: pagination (page) after page 2: page 2 is identical to page 1: the server seems to ignore "
            "the \"page\" parameter (" + kBase + "/c?page=2)");
}

// Fuzz findings: next links that change on every page (growing relative links) while the page stays
// the same must not loop until max_pages; a page identical to any earlier one stops the stream, and so
// does a next URL longer than kMaxUrlBytes.
TEST_F(StreamFixture, LinkHeaderGrowingRelativeLinksToTheSamePageStop) {
  make();
  int served = 0;
  transport->on("GET", "/c", [&served](const HttpRequest&) {
    // ?page=1 -> ./?page=1&x -> ./?page=1&x&x -> ...: new each time, always the same records.
    return make_response(200, R"([{"id":1}])", {{"Link", "<./c?page=1" + std::string(++served, 'x') + ">; rel=\"next\""}});
  });
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"pagination", {{"type", "link_header"}}}}, &pages),
            "stream /c: pagination (link_header) after page 2: page 2 is identical to page 1: the server is serving "
            "the same page again under another link; stopping instead of looping forever (" + kBase + "/c?page=1x)");
  EXPECT_EQ(pages, 2u);
  EXPECT_EQ(transport->request_count(), 2u);
}

TEST_F(StreamFixture, NextUrlInTheBodyIsLeftOutWhenComparingPages) {
  make();
  int served = 0;
  transport->on("GET", "/c", [&served](const HttpRequest&) {
    return make_response(200, R"({"data":[{"id":1}],"links":{"next":"./c?page=1)" + std::string(++served, '&') + R"("}})");
  });
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"records", "/data"}, {"pagination", {{"type", "next_url"}}}}),
            "stream /c: pagination (next_url) after page 2: page 2 is identical to page 1 (but for its next_url): the "
            "server is serving the same page again under another link; stopping instead of looping forever (" +
                kBase + "/c?page=1&)");
}

TEST_F(StreamFixture, CursorThatChangesOverTheSamePageStops) {
  make();
  int served = 0;
  transport->on("GET", "/c", [&served](const HttpRequest&) {
    return make_response(200, R"({"data":[{"id":1},{"id":2}],"next":"c)" + std::to_string(++served) + R"("})");
  });
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"records", "/data"}, {"pagination", {{"type", "cursor"}}}}),
            "stream /c: pagination (cursor) after page 2: page 2 is identical to page 1 (but for its cursor): the "
            "server is serving the same page again under another cursor; stopping instead of looping forever (" +
                kBase + "/c?cursor=c1)");
}

TEST_F(StreamFixture, APageIdenticalToAnyEarlierPageIsDetected) {
  make();
  transport->push(200, R"([{"id":1}])");
  transport->push(200, R"([{"id":2}])");
  transport->push(200, R"([{"id":1}])");  // a server cycling through its pages
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"pagination", {{"type", "offset"}, {"limit", 1}}}}, &pages),
            "stream /c: pagination (offset) after page 3: page 3 is identical to page 1: the server seems to ignore "
            "the \"offset\" parameter (" + kBase + "/c?offset=2&limit=1)");
  EXPECT_EQ(pages, 3u);
}

TEST_F(StreamFixture, NextUrlLongerThanTheCapFails) {
  make();
  int served = 0;
  transport->on("GET", "/c", [&served](const HttpRequest&) {
    ++served;  // distinct records each page, but a link 3000 bytes longer each time
    return make_response(200, R"({"data":[{"id":)" + std::to_string(served) + R"(}],"next":"c?q=)" +
                                  std::string(3000 * static_cast<size_t>(served), 'a') + R"("})");
  });
  size_t pages = 0;
  const std::string error =
      read_error(json{{"path", "/c"}, {"records", "/data"}, {"pagination", {{"type", "next_url"}, {"next", "/next"}}}},
                 &pages);
  EXPECT_EQ(pages, 3u);  // 3 * 3000 bytes of link: the third page's next URL is past 8192
  const std::string expected_start = "stream /c: pagination (next_url) after page 3: the next URL is " +
                                     std::to_string(kBase.size() + 1 + 4 + 9000) +
                                     " bytes long, more than the 8192 followed: the server seems to build ever "
                                     "longer links (it starts with " + kBase + "/c?q=aaa";
  EXPECT_EQ(error.substr(0, expected_start.size()), expected_start) << error;
  EXPECT_EQ(error.substr(error.size() - 4), "...)");
  EXPECT_LT(error.size(), 400u) << "the message quotes only the start of the URL";
}

// Fuzz finding: "https:/x" as a next link used to be followed as a relative path.
TEST_F(StreamFixture, NextLinkWithASchemeButNoHostFailsNamingIt) {
  make();
  transport->push(200, R"({"data":[{"id":1}],"links":{"next":"https:/x"}})");
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"records", "/data"}, {"pagination", {{"type", "next_url"}}}}, &pages),
            "stream /c: pagination (next_url) after page 1: the reference \"https:/x\" has a scheme but no "
            "\"//host\", so it names no server");
  EXPECT_EQ(pages, 1u);
  EXPECT_EQ(transport->request_count(), 1u);
}

TEST_F(StreamFixture, MaxPagesFailsRatherThanTruncating) {
  make(json{{"max_pages", 2}});
  transport->on("GET", "/c", [](const HttpRequest& r) { return make_response(200, R"([{"u":")" + r.url + R"("}])"); });
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"pagination", {{"type", "page"}}}}, &pages),
            "stream /c: the server still announces more pages after max_pages = 2 pages; raise max_pages if the data "
            "really is that large");
  EXPECT_EQ(pages, 2u);
}

TEST_F(StreamFixture, MalformedPagesNameThePageAndMaskTheApiKey) {
  make(json{{"auth", {{"type", "api_key"}, {"query", "api_key"}, {"value", "sekrit-key"}}}});
  transport->push(200, R"([{"id":1}])");
  transport->push(200, "<html>Internal proxy error</html>");
  size_t pages = 0;
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"pagination", {{"type", "page"}, {"size_param", ""}}}}, &pages),
            "page 2 (GET " + kBase + "/c?page=2): the response is not JSON: invalid JSON at byte 1: "
            "parse error at line 1, column 1: syntax error while parsing value - invalid literal; last read: '<'; it "
            "starts with: <html>Internal proxy error</html>");
  EXPECT_EQ(pages, 1u);
  EXPECT_EQ(urls()[1], kBase + "/c?page=2&api_key=sekrit-key");

  transport->push(200, R"({"results":[]})");
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"records", "/data"}}),
            "page 1 (GET " + kBase + "/c): the response has nothing at records pointer \"/data\"; it "
            "starts with: {\"results\":[]}");
  transport->push(200, R"({"data":{"id":1}})");
  EXPECT_EQ(read_error(json{{"path", "/c"}, {"records", "/data"}}),
            "page 1 (GET " + kBase + "/c): expected an array of records at \"/data\", found object");
  transport->push(200, R"({"data":[]})");
  EXPECT_EQ(read_error(json{{"path", "/c"}}),
            "page 1 (GET " + kBase + "/c): expected an array of records at \"(the whole body)\", found "
            "object (set `records` to the pointer of the array)");
  // A next link made by the server may carry the key (or another one): masked in the message.
  transport->push(200, R"({"data":[{"id":1}],"next":"/api/c?page=2&api_key=other-key-9"})");
  transport->push(200, "not json");
  std::string message = read_error(json{{"path", "/c"}, {"records", "/data"}, {"pagination", {{"type", "next_url"}, {"next", "/next"}}}});
  const std::string prefix = "page 2 (GET " + kBase + "/c?page=2&api_key=***): the response is not JSON";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix);
  EXPECT_EQ(message.find("other-key-9"), std::string::npos);
  EXPECT_EQ(message.find("sekrit-key"), std::string::npos);
}

TEST_F(StreamFixture, ServerErrorsAfterRetriesCarryStatusAndRedactedExcerpt) {
  make(json{{"max_retries", 2}, {"auth", {{"type", "bearer"}, {"token", "tok-very-secret"}}}});
  for (int i = 0; i < 3; ++i) transport->push(502, R"({"message":"upstream died, token tok-very-secret"})");
  try {
    read_all(json{{"path", "/c"}});
    FAIL();
  } catch (const StreamError& e) {
    EXPECT_EQ(std::string(e.what()), "GET " + kBase + "/c (page 1) failed after 3 attempts: HTTP 502: "
                                     "{\"message\":\"upstream died, token ***\"}");
    EXPECT_EQ(e.status(), ZRA_ERROR_IO);
  }
  transport->push(404, "not here");
  try {
    read_all(json{{"path", "/c"}});
    FAIL();
  } catch (const StreamError& e) {
    EXPECT_EQ(std::string(e.what()), "GET " + kBase + "/c (page 1) failed: HTTP 404 (check base_url and path): not here");
    EXPECT_EQ(e.status(), ZRA_ERROR);
  }
}

TEST_F(StreamFixture, OAuth401RefreshesTheTokenOnce) {
  make(json{{"auth",
             {{"type", "oauth2_client_credentials"},
              {"token_url", "http://127.0.0.1:9/oauth/token"},
              {"client_id", "id"},
              {"client_secret", "secret-123"}}}});
  int issued = 0;
  transport->on("POST", "/oauth/token", [&](const HttpRequest&) {
    return make_json_response(200, {{"access_token", "tok" + std::to_string(++issued)}, {"expires_in", 3600}});
  });
  transport->push_for("GET", "/c", make_response(401, "revoked"));
  transport->push_for("GET", "/c", make_response(200, R"([{"id":1}])"));
  EXPECT_EQ(read_all(json{{"path", "/c"}}).size(), 1u);
  EXPECT_EQ(issued, 2);
  EXPECT_EQ(request_header(transport->request(3), "Authorization"), "Bearer tok2");

  // A second 401 in a row is final.
  transport->push_for("GET", "/c", make_response(401, "no"));
  transport->push_for("GET", "/c", make_response(401, "still no"));
  EXPECT_EQ(read_error(json{{"path", "/c"}}),
            "GET " + kBase + "/c (page 1) failed: HTTP 401 (the credentials were refused): still no");
}

TEST_F(StreamFixture, RateLimit429IsRetriedWithinTheStream) {
  make(json{{"requests_per_second", 10}});
  transport->push(429, "slow down", {{"Retry-After", "3"}});
  transport->push(200, R"([{"id":1}])");
  EXPECT_EQ(read_all(json{{"path", "/c"}}).size(), 1u);
  EXPECT_EQ(clock.slept(), std::chrono::seconds(3));
  ASSERT_EQ(logged.size(), 1u);
}

TEST_F(StreamFixture, CustomHeadersAreSentAndCredentialLikeOnesMasked) {
  make(json{{"headers", {{"X-Tenant", "acme"}, {"X-Session-Token", "sess-abcdef"}}}});
  transport->push(500, "echo sess-abcdef and acme");
  transport->push(200, R"([{"id":1}])");
  EXPECT_EQ(read_all(json{{"path", "/c"}}).size(), 1u);
  EXPECT_EQ(request_header(transport->request(0), "X-Tenant"), "acme");
  EXPECT_EQ(request_header(transport->request(0), "X-Session-Token"), "sess-abcdef");
  EXPECT_EQ(source->redact("echo sess-abcdef and acme"), "echo *** and acme");
}

TEST_F(StreamFixture, CheckAcceptsAnyAnswerButRefusedCredentials) {
  make(json{{"auth", {{"type", "bearer"}, {"token", "tok-123"}}}});
  transport->push(404, "no root");
  EXPECT_NO_THROW(source->check());
  EXPECT_EQ(request_header(transport->request(0), "Authorization"), "Bearer tok-123");
  transport->push(401, "bad token tok-123");
  try {
    source->check();
    FAIL();
  } catch (const StreamError& e) {
    EXPECT_EQ(std::string(e.what()), "GET " + kBase + " failed: HTTP 401 (the credentials were refused): bad token ***");
  }
}

}  // namespace
}  // namespace zra::rest
