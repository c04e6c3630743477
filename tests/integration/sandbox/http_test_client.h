#pragma once
// A small synchronous HTTP/1.1 client (Boost.Beast) for driving the sandbox in tests, plus raw-socket
// helpers for hostile requests. One connection per call unless a TestConnection is kept.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace zra::sandbox::test {

struct TestResponse {
  int status = 0;                              // 0: no answer (connection closed or reset)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json() const;                 // throws when the body is not JSON
  std::optional<std::string> header(const std::string& lower_name) const;
};

struct TestRequest {
  std::string method = "GET";
  std::string target;  // "/v2/zra/crm/settings"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A keep-alive connection to 127.0.0.1:port.
class TestConnection {
 public:
  explicit TestConnection(uint16_t port);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;
  // Sends and reads one answer; status 0 when the server closed the connection instead.
  TestResponse send(const TestRequest& req);
  // Writes raw bytes (no answer read).
  void write_raw(const std::string& bytes);
  // Half-closes the sending side.
  void shutdown_send();
  // Reads one answer (status 0 on EOF/reset).
  TestResponse read_response();
  // Reads everything until the server closes (for raw exchanges).
  std::string read_all();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
TestResponse http_send(uint16_t port, const TestRequest& req);

}  // namespace zra::sandbox::test
