#pragma once
// A ZraClient wired to a FakeTransport (which also plays the OAuth endpoint), a ManualClock and a
// fixed RandomSource, so every wait and every request is exact.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "core/client/zra_client.h"
#include "tests/support/fake_transport.h"

namespace zra {

class FixedRandom : public RandomSource {
 public:
  explicit FixedRandom(double v = 0.5) : v_(v) {}
  double uniform() override { return v_; }

 private:
  double v_;
};

// A ManualClock that lets a test look at the world the moment someone starts to sleep.
class HookedClock : public ManualClock {
 public:
  std::function<void(std::chrono::nanoseconds)> on_sleep;
  void sleep_for(std::chrono::nanoseconds d) override {
    if (on_sleep) on_sleep(d);
    ManualClock::sleep_for(d);
  }
};

inline constexpr const char* kBase = "https://api.zoom.example/v2";
inline constexpr const char* kTokenUrl = "https://zoom.example/oauth/token";
inline constexpr const char* kClientSecret = "client-test-secret-7f3a";

// Options naming the fake endpoints and credentials; every other option at its default.
inline ClientOptions test_client_options() {
  ClientOptions o;
  o.base_url = kBase;
  o.token_url = kTokenUrl;
  o.account_id = "acct-1";
  o.client_id = "client-abc";
  o.client_secret = kClientSecret;
  return o;
}

class ZraClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http.on("POST", "/oauth/token", [this](const HttpRequest&) {
      ++tokens_issued;
      return make_json_response(200, {{"access_token", "zra-access-token-" + std::to_string(tokens_issued)},
                                      {"token_type", "bearer"},
                                      {"expires_in", 3600}});
    });
  }
  ClientOptions options() const { return test_client_options(); }
  ZraClient& client(ClientOptions o) {
    client_ = std::make_unique<ZraClient>(std::move(o), http, clock, random);
    return *client_;
  }
  ZraClient& client() { return client(options()); }
  // API requests only (the token endpoint filtered out).
  std::vector<HttpRequest> api_requests() const {
    std::vector<HttpRequest> out;
    for (auto& r : http.requests()) {
      if (r.url.find("/oauth/token") == std::string::npos) out.push_back(r);
    }
    return out;
  }

  HookedClock clock;
  FixedRandom random{0.5};
  FakeTransport http;
  int tokens_issued = 0;
  std::unique_ptr<ZraClient> client_;
};

}  // namespace zra
