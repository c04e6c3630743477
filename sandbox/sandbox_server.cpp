#include "sandbox/sandbox_server.h"

#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <thread>

#include "core/common/clock.h"
#include "core/common/errors.h"
#include "core/common/log.h"
#include "sandbox/crm_store.h"
#include "sandbox/fault_injector.h"
#include "sandbox/http_server.h"
#include "sandbox/licensed_users.h"
#include "sandbox/oauth.h"
#include "sandbox/rate_limits.h"
#include "sandbox/request_log.h"
#include "sandbox/sandbox_context.h"
#include "sandbox/sandbox_router.h"
#include "sandbox/sandbox_time.h"
#include "sandbox/state_journal.h"
#include "sandbox/task_runner.h"

namespace zra::sandbox {

namespace {
void check_options(const SandboxOptions& o) {
  auto bad = [](const std::string& what) { return Error("sandbox: " + what, kExitUsage); };
  auto rate = [&](double v, const char* name) {
    if (!(v >= 0 && v <= 1)) throw bad(std::string(name) + " must be between 0 and 1, got " + std::to_string(v));
  };
  rate(o.fail_rate, "fail_rate");
  rate(o.drop_rate, "drop_rate");
  rate(o.slow_rate, "slow_rate");
  rate(o.task_fail_rate, "task_fail_rate");
  rate(o.rate_429_rate, "rate_429_rate");
  if (!(o.time_scale > 0)) throw bad("time_scale must be > 0, got " + std::to_string(o.time_scale));
  if (!(o.token_ttl_s > 0)) throw bad("token_ttl_s must be > 0");
  if (!(o.task_delay_s >= 0)) throw bad("task_delay_s must be >= 0");
  if (!(o.task_expire_s >= 0)) throw bad("task_expire_s must be >= 0");
  if (!(o.slow_ms >= 0)) throw bad("slow_ms must be >= 0");
  if (o.max_items == 0) throw bad("max_items must be >= 1");
  if (o.max_ids == 0) throw bad("max_ids must be >= 1");
  if (o.max_body_bytes == 0) throw bad("max_body_bytes must be >= 1");
  if (o.threads == 0) throw bad("threads must be >= 1");
  if (o.client_id.empty() || o.client_secret.empty() || o.account_id.empty()) {
    throw bad("client_id, client_secret and account_id must not be empty");
  }
  (void)plan_limits(o.plan);
}

SandboxOptions checked(SandboxOptions o) {
  check_options(o);
  return o;
}

LicensedUsers load_licensed(const SandboxOptions& o) {
  return o.licensed_users_file.empty() ? LicensedUsers() : LicensedUsers::load(o.licensed_users_file);
}
}  // namespace

struct SandboxServer::Impl {
  explicit Impl(SandboxOptions opts)
      : options(checked(std::move(opts))),
        time(system_clock(), options.time_scale),
        licensed(load_licensed(options)),
        store(options.account_id),
        oauth({options.account_id, options.client_id, options.client_secret, options.token_ttl_s}, time, options.seed),
        limiter(plan_limits(options.plan), options.rate_limits, time),
        faults({options.fail_rate, options.drop_rate, options.slow_rate, options.slow_ms, options.task_fail_rate,
                options.rate_429_rate},
               options.seed),
        tasks(time, store, licensed, {options.task_delay_s, options.task_expire_s, options.seed},
              [this] { save_state(); }),
        router(SandboxContext{options, time, store, tasks, oauth, limiter, faults, log, [this] { save_state(); },
                              [this] { reset(); }}),
        http(options.host, options.port, options.threads,
             HttpLimits{options.max_body_bytes, 16 * 1024, std::chrono::seconds(30), 8192},
             [this](const SandboxRequest& req) { return router.handle(req); }) {
    if (!options.state_file.empty()) {
      journal = std::make_unique<StateJournal>(options.state_file, options.state_rewrite_below_bytes);
      journal->open(store);
    }
  }

  // Every change is already in the journal (appended as it happened); this rewrites the snapshot when
  // the journal has grown enough: at once for a small state (so the file is current when the change is
  // visible), on the compactor thread for a large one (seconds of writing that must not hold up tasks).
  void save_state() {
    if (!journal) return;
    {
      std::lock_guard<std::mutex> lock(compactor_mu);
      if (compactor.joinable() && !journal->is_small()) {
        compaction_requested = true;
        compactor_cv.notify_one();
        return;
      }
    }
    std::lock_guard<std::mutex> lock(save_mu);  // never two compactions at once
    journal->compact_if_due(store);
  }

  void start_compactor() {
    std::lock_guard<std::mutex> lock(compactor_mu);
    if (!journal || compactor.joinable()) return;
    compactor_stopping = false;
    compactor = std::thread([this] {
      std::unique_lock<std::mutex> lock(compactor_mu);
      for (;;) {
        compactor_cv.wait(lock, [this] { return compaction_requested || compactor_stopping; });
        if (compactor_stopping) return;
        compaction_requested = false;
        lock.unlock();
        {
          std::lock_guard<std::mutex> save(save_mu);
          journal->compact_if_due(store);
        }
        lock.lock();
      }
    });
  }

  void stop_compactor() {
    {
      std::lock_guard<std::mutex> lock(compactor_mu);
      compactor_stopping = true;
    }
    compactor_cv.notify_one();
    if (compactor.joinable()) compactor.join();
  }

  void reset() {
    tasks.clear();
    store.clear();
    limiter.reset();
    faults.reset();
    log.reset();
    save_state();
  }

  SandboxOptions options;
  ScaledTime time;
  LicensedUsers licensed;
  CrmStore store;
  TokenIssuer oauth;
  RateLimiter limiter;
  FaultInjector faults;
  RequestLog log;
  TaskRunner tasks;
  SandboxRouter router;
  HttpServer http;
  std::unique_ptr<StateJournal> journal;  // with a state file
  std::mutex save_mu;
  std::mutex compactor_mu;
  std::condition_variable compactor_cv;
  bool compaction_requested = false;
  bool compactor_stopping = false;
  std::thread compactor;  // while running: compacts large states in the background
  std::mutex run_mu;
  bool running = false;
};

SandboxServer::SandboxServer(SandboxOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

SandboxServer::~SandboxServer() { stop(); }

void SandboxServer::start() {
  std::lock_guard<std::mutex> lock(impl_->run_mu);
  if (impl_->running) return;
  impl_->http.start();
  impl_->tasks.start();
  impl_->start_compactor();
  impl_->running = true;
  log_debug("sandbox.started", "ZRA sandbox listening", {{"base_url", base_url()}});
}

void SandboxServer::stop() {
  std::lock_guard<std::mutex> lock(impl_->run_mu);
  if (!impl_->running) return;
  impl_->http.stop();
  impl_->tasks.stop();
  impl_->stop_compactor();
  impl_->save_state();
  impl_->running = false;
}

uint16_t SandboxServer::port() const { return impl_->http.port(); }

std::string SandboxServer::base_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(port()) + "/v2";
}

std::string SandboxServer::token_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(port()) + "/oauth/token";
}

nlohmann::json SandboxServer::state() const { return impl_->store.state(); }
nlohmann::json SandboxServer::requests() const { return impl_->log.summary(); }
void SandboxServer::reset() { impl_->reset(); }
const SandboxOptions& SandboxServer::options() const { return impl_->options; }

int run_sandbox_foreground(const SandboxOptions& options) {
  // Block the signals before any thread starts so that every thread inherits the mask and only
  // sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  struct MaskRestore {
    sigset_t previous;
    ~MaskRestore() { pthread_sigmask(SIG_SETMASK, &previous, nullptr); }
  } restore{previous};
  int received = 0;
  {
    SandboxServer server(options);
    server.start();
    std::cout << "ZRA sandbox listening\n"
              << "  base_url:      " << server.base_url() << "\n"
              << "  token_url:     " << server.token_url() << "\n"
              << "  account_id:    " << options.account_id << "\n"
              << "  client_id:     " << options.client_id << "\n"
              << "  client_secret: " << options.client_secret << "\n"
              << "  plan:          " << options.plan << (options.rate_limits ? "" : " (rate limits off)")
              << ", time_scale " << options.time_scale << "\n"
              << "  inspect:       http://" << options.host << ":" << server.port() << "/_sandbox/state\n"
              << "Press Ctrl-C to stop." << std::endl;
    sigwait(&signals, &received);
    std::cout << "Stopping the ZRA sandbox." << std::endl;
    server.stop();
  }
  return 0;
}

}  // namespace zra::sandbox
