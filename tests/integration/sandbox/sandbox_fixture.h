#pragma once
// A SandboxServer on an ephemeral loopback port, driven over real HTTP. Time runs 1000x faster and rate
// limits are off unless a test says otherwise, so tasks finish in milliseconds.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox_server.h"
#include "tests/integration/sandbox/http_test_client.h"

namespace zra::sandbox::test {

using nlohmann::json;

SandboxOptions fast_options();
// The registration used by most tests: Prospecting (OPEN), Negotiation (OPEN), Closed Won, Closed Lost.
json default_registration();
std::string basic_auth(const std::string& id, const std::string& secret);

class SandboxTest : public ::testing::Test {
 protected:
  void TearDown() override;
  void start(SandboxOptions options = fast_options());
  uint16_t port() const { return server_->port(); }
  SandboxServer& server() { return *server_; }

  // A fresh token (POST /oauth/token with the configured credentials).
  std::string token();
  // Authenticated requests; the token is fetched once per test.
  TestResponse get(const std::string& target);
  TestResponse post(const std::string& target, const json& body);
  TestResponse post_raw(const std::string& target, const std::string& body, const std::string& content_type);
  TestResponse del(const std::string& target);
  // Unauthenticated request.
  TestResponse send(TestRequest req);

  void register_default();
  // Posts an import (expects 202) and polls the task until it is final; returns the task body.
  json import_and_wait(const std::string& plural, const json& records);
  json wait_task(const std::string& task_id);

  std::unique_ptr<SandboxServer> server_;
  std::string token_;
};

// Minimal valid records.
json account(const std::string& id);
json contact(const std::string& id, const std::string& account_id = "");
json deal(const std::string& id, const std::string& account_id, const std::string& stage = "Prospecting");
json lead(const std::string& id);

}  // namespace zra::sandbox::test
