#pragma once
// The ZRA sandbox: a strict local emulator of Zoom's Custom CRM API (/v2/zra/crm/...) and of the OAuth
// token endpoint, served over HTTP/1.1 on loopback. Everything zra-sync does is tested against it, and
// `zra-sync sandbox` / `target: sandbox` run it. The behaviour and every choice where the reference is
// ambiguous are in docs/sandbox.md.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace zra::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                 // 0 = pick a free port
  std::string account_id = "sandbox-account";
  std::string client_id = "sandbox-client";
  std::string client_secret = "sandbox-secret";
  double token_ttl_s = 3600;
  size_t max_items = 2000;           // 413 above
  size_t max_ids = 100;              // 400 above, GET by id
  double task_delay_s = 0.5;         // PENDING -> RUNNING -> final takes this long (before time scaling)
  double task_expire_s = 86400;      // GET task -> 404 this long after the task ended
  std::string plan = "business";     // pro | business: per-label limits of DESIGN.md
  bool rate_limits = true;
  double time_scale = 1.0;           // >1 speeds time: every server-side duration is divided by it
  uint64_t seed = 1;                 // fault injection is reproducible for a seed
  double fail_rate = 0;              // answer 500/502/503 instead of handling (before any effect)
  double drop_rate = 0;              // close the connection without answering (before any effect)
  double slow_rate = 0; double slow_ms = 2000;   // delay the answer
  double task_fail_rate = 0;         // a task ends FAILED and stores nothing
  double rate_429_rate = 0;          // spurious 429 (some with Retry-After, some with no headers at all)
  std::string licensed_users_file;   // one email per line; empty = every owner_email accepted
  std::string state_file;            // load at start if present; every change appended to state_file + ".journal"
  size_t state_rewrite_below_bytes = 1 << 20;  // a smaller state is rewritten whole after every change
  size_t max_body_bytes = 64 * 1024 * 1024;  // larger -> 413 with a JSON error, never a crash
  unsigned threads = 2;
};

class SandboxServer {
 public:
  // Checks the options (plan, rates in [0,1], time_scale > 0, threads >= 1), loads the licensed users
  // file and the state file if present. Throws zra::Error naming the option or file on a bad value.
  explicit SandboxServer(SandboxOptions options);
  ~SandboxServer();                  // stops if running
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  void start();                      // binds and serves on background threads; throws zra::Error on bind failure
  void stop();                       // idempotent; saves the state file if any
  uint16_t port() const;             // the bound port once started (the requested one before)
  std::string base_url() const;      // "http://127.0.0.1:PORT/v2"
  std::string token_url() const;     // "http://127.0.0.1:PORT/oauth/token"
  nlohmann::json state() const;      // same body as GET /_sandbox/state
  nlohmann::json requests() const;   // same body as GET /_sandbox/requests
  void reset();                      // same as POST /_sandbox/reset
  const SandboxOptions& options() const;
  // All methods are thread-safe.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves in the foreground: prints base URL, token URL and credentials on stdout, serves until SIGINT or
// SIGTERM, then stops cleanly and returns 0. Used by `zra-sync sandbox`. Throws zra::Error like start().
int run_sandbox_foreground(const SandboxOptions& options);

}  // namespace zra::sandbox
