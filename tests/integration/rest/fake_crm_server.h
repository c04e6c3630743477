#pragma once
// A small fake CRM REST API on 127.0.0.1 (port 0, chosen by the OS), served by Boost.Beast on one
// background thread, for driving the REST plugin end to end. It holds five contacts c1..c5 and serves
// them under /api/<style>/contacts for every pagination style, every auth type (401 on wrong
// credentials), and the faults the plugin must survive or report. See fake_crm_server.cpp for the routes.
// Beside them, a small CRM for `zra-sync run`: accounts a1..a3 and contacts k1..k4 (k3's email is
// invalid) under /api/crm/, filtered by `updated_since` (ISO-8601 UTC, records updated after it), with
// nested owners ({"owner": {"email": ...}}); accounts by page (?page=N&per_page=M, {"data": [...]}),
// contacts by cursor ({"items": [...], "paging": {"next": ...}}, 2 per page).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zra::rest_test {

class FakeCrmServer {
 public:
  // Credentials the server accepts.
  static constexpr const char* kBearerToken = "bearer-token-1";
  static constexpr const char* kUser = "sync-user";
  static constexpr const char* kPassword = "pa55:word!";
  static constexpr const char* kApiKey = "key-0123456789";
  static constexpr const char* kClientId = "client-1";
  static constexpr const char* kClientSecret = "client-secret-1";

  FakeCrmServer();   // listens and serves at once; throws std::runtime_error when it cannot bind
  ~FakeCrmServer();  // stops the server thread
  FakeCrmServer(const FakeCrmServer&) = delete;
  FakeCrmServer& operator=(const FakeCrmServer&) = delete;

  // "http://127.0.0.1:<port>"
  std::string origin() const;

  // Every request target received ("/api/page/contacts?page=1&per_page=2"), in order.
  std::vector<std::string> targets() const;
  // Requests whose target starts with `prefix`.
  size_t count(const std::string& prefix) const;
  // OAuth tokens issued so far.
  int tokens_issued() const;
  // Makes every token issued so far invalid (the API then answers 401 to them).
  void revoke_tokens();
  // Changes account `id` of the /api/crm/ data: its name and updated_at. Throws std::out_of_range.
  void update_account(const std::string& id, const std::string& name, const std::string& updated_at);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zra::rest_test
