#include <gtest/gtest.h>

#include "core/common/log.h"
#include "core/http/http_transport.h"

namespace zra {
namespace {

TEST(IsLoopbackUrl, AcceptsLoopbackHostsOnly) {
  EXPECT_TRUE(is_loopback_url("http://127.0.0.1:8080/v2"));
  EXPECT_TRUE(is_loopback_url("http://127.1.2.3/v2"));
  EXPECT_TRUE(is_loopback_url("http://localhost/v2"));
  EXPECT_TRUE(is_loopback_url("HTTP://LOCALHOST:9/x"));
  EXPECT_TRUE(is_loopback_url("http://[::1]:8080/v2"));
  EXPECT_TRUE(is_loopback_url("https://127.0.0.1"));
  EXPECT_FALSE(is_loopback_url("http://127.0.0.1.evil.example/v2"));
  EXPECT_FALSE(is_loopback_url("http://127.0.0.1@evil.example/v2"));
  EXPECT_FALSE(is_loopback_url("http://localhost.evil.example/"));
  EXPECT_FALSE(is_loopback_url("http://128.0.0.1/"));
  EXPECT_FALSE(is_loopback_url("http://127.0.0.256/"));
  EXPECT_FALSE(is_loopback_url("http://[::2]/"));
  EXPECT_FALSE(is_loopback_url("ftp://127.0.0.1/"));
  EXPECT_FALSE(is_loopback_url("127.0.0.1"));
  EXPECT_FALSE(is_loopback_url(""));
}

TEST(RequireSecureUrl, AcceptsHttpsAndLoopbackHttp) {
  EXPECT_NO_THROW(require_secure_url("https://api.zoom.us/v2", "zra.base_url"));
  EXPECT_NO_THROW(require_secure_url("http://127.0.0.1:3000/v2", "zra.base_url"));
  EXPECT_NO_THROW(require_secure_url("http://localhost/oauth/token", "zra.auth.token_url"));
}

TEST(RequireSecureUrl, RefusesPlainHttpToOtherHostsNamingTheSetting) {
  try {
    require_secure_url("http://api.zoom.us/v2", "zra.base_url");
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_EQ(std::string(e.what()),
              "zra.base_url: 'http://api.zoom.us/v2' uses plain http://, which is accepted only for loopback "
              "addresses (127.0.0.1, localhost, [::1]); use https://");
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
}

TEST(RequireSecureUrl, RefusesOtherSchemesAndRelativeUrls) {
  EXPECT_THROW(require_secure_url("ftp://x.example/", "u"), FatalError);
  try {
    require_secure_url("api.zoom.us/v2", "zra.base_url");
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("zra.base_url: 'api.zoom.us/v2' is not an absolute URL"), std::string::npos)
        << e.what();
  }
}

TEST(UrlEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b,c/d?e&f=g"), "a%20b%2Cc%2Fd%3Fe%26f%3Dg");
  EXPECT_EQ(url_encode("é"), "%C3%A9");
  EXPECT_EQ(url_encode(""), "");
}

TEST(HttpResponseHeader, IsCaseInsensitiveAndReturnsTheFirstMatch) {
  HttpResponse r;
  r.headers = {{"Retry-After", "5"}, {"retry-after", "9"}, {"X-Other", ""}};
  EXPECT_EQ(r.header("RETRY-AFTER").value(), "5");
  EXPECT_EQ(r.header("x-other").value(), "");
  EXPECT_FALSE(r.header("Missing").has_value());
}

}  // namespace
}  // namespace zra
