#pragma once
// A recording HTTP/1.1 proxy on loopback, put between zra-sync and the sandbox so a test knows which
// record ids every import request carried and how it was answered. The sandbox's own request log counts
// imports and their task ids but not the ids inside them; the kill and soak tests need those to prove
// that a batch ZRA accepted before a crash is not imported again.
//
// Everything is forwarded unchanged, one upstream connection per client connection; when the sandbox
// drops a connection without answering, the proxy drops the client's too (the fault stays visible).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace zra::testing {

struct RecordedImport {
  int epoch = 0;                 // the value of set_epoch() when the request arrived (e.g. the run number)
  std::string type;              // "account", "contact", "deal", "lead"
  std::vector<std::string> ids;  // the CRM ids in the body, in order
  int status = 0;                // HTTP status; 0 when the sandbox closed the connection without answering
  std::string task_id;           // of a 202
};

class ImportRecorder {
 public:
  // Forwards to 127.0.0.1:upstream_port. Throws std::runtime_error when it cannot listen.
  explicit ImportRecorder(uint16_t upstream_port);
  ~ImportRecorder();  // stops
  ImportRecorder(const ImportRecorder&) = delete;
  ImportRecorder& operator=(const ImportRecorder&) = delete;

  uint16_t port() const;       // where clients connect
  std::string base_url() const;   // "http://127.0.0.1:PORT/v2"
  std::string token_url() const;  // "http://127.0.0.1:PORT/oauth/token"
  void set_epoch(int epoch);
  // Every import POST answered (or dropped) so far, in the order the answers came back.
  std::vector<RecordedImport> imports() const;
  // Closes the listener and every connection and joins the threads. Idempotent.
  void stop();
  // All methods are thread-safe.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET http://127.0.0.1:port<target> (e.g. "/_sandbox/tasks"); the body. Throws std::runtime_error on a
// transport error or a status other than 200.
std::string loopback_get(uint16_t port, const std::string& target);

}  // namespace zra::testing
