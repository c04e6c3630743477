// Unit tests: Link header parsing, URL assembly and resolution, secret masking.
#include <gtest/gtest.h>

#include "plugins/rest/link_header.h"
#include "plugins/rest/secret_mask.h"
#include "plugins/rest/url_builder.h"

namespace zra::rest {
namespace {

TEST(LinkHeader, FindsNextAmongSeveralLinks) {
  EXPECT_EQ(find_link(R"(<https://x/c?page=1>; rel="prev", <https://x/c?page=3>; rel="next")"), "https://x/c?page=3");
  EXPECT_EQ(find_link(R"(<https://x/c?page=3>; rel=next)"), "https://x/c?page=3");
  EXPECT_EQ(find_link(R"(<https://x/c?a=1,2;b>; title="a, b; c"; rel="last NEXT")"), "https://x/c?a=1,2;b");
  EXPECT_EQ(find_link(R"(<https://x/last>; rel="last", <https://x/first>; rel="first")"), std::nullopt);
  EXPECT_EQ(find_link(""), std::nullopt);
  EXPECT_EQ(find_link(R"(<https://x/1>; rel="prev")", "prev"), "https://x/1");
  EXPECT_EQ(find_link(R"(, <https://x/2>; rel="next")"), "https://x/2");
}

TEST(LinkHeader, MalformedHeaderIsAnErrorNamingThePosition) {
  try {
    find_link(R"(https://x/2; rel="next")");
    FAIL();
  } catch (const LinkHeaderError& e) {
    EXPECT_STREQ(e.what(), "malformed Link header at character 1: expected '<'");
  }
  EXPECT_THROW(find_link(R"(<https://x/2; rel="next")"), LinkHeaderError);
  EXPECT_THROW(find_link(R"(<https://x/2>; rel="next)"), LinkHeaderError);
}

TEST(UrlBuilder, JoinsBaseAndPathWithOneSlash) {
  EXPECT_EQ(join_url("https://crm.example/api", "/contacts"), "https://crm.example/api/contacts");
  EXPECT_EQ(join_url("https://crm.example/api/", "contacts"), "https://crm.example/api/contacts");
  EXPECT_EQ(join_url("https://crm.example/api//", "//contacts"), "https://crm.example/api/contacts");
  EXPECT_EQ(join_url("https://crm.example/api", "/"), "https://crm.example/api/");
}

TEST(UrlBuilder, AppendsAndReplacesEncodedQueryParameters) {
  EXPECT_EQ(append_query("https://x/c", {{"updated since", "2025-11-20T12:00:00Z"}, {"q", "a&b"}}),
            "https://x/c?updated%20since=2025-11-20T12%3A00%3A00Z&q=a%26b");
  EXPECT_EQ(append_query("https://x/c?a=1", {{"b", "2"}}), "https://x/c?a=1&b=2");
  EXPECT_EQ(set_query_param("https://x/c?cursor=old&a=1&cursor=older", "cursor", "n/1"), "https://x/c?a=1&cursor=n%2F1");
  EXPECT_EQ(set_query_param("https://x/c", "api_key", "k"), "https://x/c?api_key=k");
}

TEST(UrlBuilder, ResolvesReferencesAgainstThePageUrl) {
  const std::string base = "https://crm.example:8443/api/v1/contacts?page=1";
  EXPECT_EQ(resolve_url(base, "https://other.example/x"), "https://other.example/x");
  EXPECT_EQ(resolve_url(base, "/api/v1/contacts?after=5"), "https://crm.example:8443/api/v1/contacts?after=5");
  EXPECT_EQ(resolve_url(base, "?page=2"), "https://crm.example:8443/api/v1/contacts?page=2");
  EXPECT_EQ(resolve_url(base, "contacts?page=2"), "https://crm.example:8443/api/v1/contacts?page=2");
  EXPECT_EQ(resolve_url(base, "../v2/contacts"), "https://crm.example:8443/api/v2/contacts");
  EXPECT_EQ(resolve_url(base, "//cdn.example/p"), "https://cdn.example/p");
  EXPECT_EQ(url_origin("HTTPS://Crm.Example:8443/a?b"), "https://crm.example:8443");
  EXPECT_THROW(split_url("/relative"), std::invalid_argument);
}

// Fuzz finding: "https:/x" (a scheme, one slash) was read as a relative path and resolved to
// ".../v1/https:/x". A scheme without "//host" names no server: it is refused, naming the reference.
TEST(UrlBuilder, RefusesAReferenceWithASchemeButNoHost) {
  const std::string base = "https://crm.example/api/v1/contacts?page=1";
  try {
    resolve_url(base, "https:/x");
    FAIL() << "https:/x was resolved";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the reference \"https:/x\" has a scheme but no \"//host\", so it names no server");
  }
  EXPECT_THROW(resolve_url(base, "HTTP:x?page=2"), std::invalid_argument);
  EXPECT_THROW(resolve_url(base, "mailto:sales@crm.example"), std::invalid_argument);
  try {
    resolve_url(base, "1a:b/c");
    FAIL() << "1a:b/c was resolved";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the reference \"1a:b/c\" is not a URL: \"1a:\" is not a scheme, and a relative path's "
                           "first segment cannot hold ':'");
  }
  // A ':' after the first '/' or '?' is no scheme, and a full URL still resolves to itself.
  EXPECT_EQ(resolve_url(base, "./a:b"), "https://crm.example/api/v1/a:b");
  EXPECT_EQ(resolve_url(base, "?since=12:00"), "https://crm.example/api/v1/contacts?since=12:00");
  EXPECT_EQ(resolve_url(base, "/x/y:z"), "https://crm.example/x/y:z");
  EXPECT_EQ(resolve_url(base, "https://crm.example/x"), "https://crm.example/x");
  EXPECT_EQ(resolve_url(base, "//crm.example:8443/x"), "https://crm.example:8443/x");
}

TEST(SecretMask, MasksSecretsTheirUrlFormAndQueryParams) {
  SecretMask mask;
  mask.add("s3cr3t/+=");
  mask.add("abc");  // too short: ignored
  mask.add_query_param("api_key");
  EXPECT_EQ(mask.apply("token s3cr3t/+= in s3cr3t%2F%2B%3D and abc"), "token *** in *** and abc");
  EXPECT_EQ(mask.apply("GET https://x/c?page=2&api_key=other-key&b=1 failed"), "GET https://x/c?page=2&api_key=***&b=1 failed");
  EXPECT_EQ(mask_query_param("see https://x/?my_api_key=1", "api_key"), "see https://x/?my_api_key=1");
}

TEST(SecretMask, BodyExcerptIsShortSingleLineAndValidUtf8) {
  EXPECT_EQ(body_excerpt("line1\nline2\t!"), "line1 line2 !");
  EXPECT_EQ(body_excerpt("abcdef", 3), "abc...");
  EXPECT_EQ(body_excerpt("ab\xC3\xA9z", 3), "ab...");  // é cut in half is dropped
}

}  // namespace
}  // namespace zra::rest
