#include "tests/integration/engine/sync_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace zra::testing {
namespace fs = std::filesystem;

CommandResult run_command(const std::vector<std::string>& argv, int timeout_s,
                          const std::map<std::string, std::string>& env) {
  // Everything the child needs is built before fork(): the sandbox's threads may hold locks.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    if (env.count(kv.substr(0, kv.find('='))) == 0) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& kv : env_strings) envp.push_back(kv.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings(argv);
  std::vector<char*> args;
  for (auto& a : arg_strings) args.push_back(a.data());
  args.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) {
      kill(pid, SIGKILL);
      r.err += "\n[test: killed after timeout]";
      break;
    }
    if (poll(fds, 2, left) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

namespace {
struct ExecArgs {
  std::vector<std::string> env_strings, arg_strings;
  std::vector<char*> envp, args;
  ExecArgs(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) : arg_strings(argv) {
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv = *e;
      if (env.count(kv.substr(0, kv.find('='))) == 0) env_strings.push_back(kv);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    for (auto& kv : env_strings) envp.push_back(kv.data());
    envp.push_back(nullptr);
    for (auto& a : arg_strings) args.push_back(a.data());
    args.push_back(nullptr);
  }
};
}  // namespace

Spawned spawn_command(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file,
                      const std::map<std::string, std::string>& env) {
  ExecArgs ea(argv, env);
  int out_fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(ea.args[0], ea.args.data(), ea.envp.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  return {pid, out_file, err_file};
}

int wait_for(const Spawned& p) {
  int status = 0;
  waitpid(p.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Spawned SyncFixture::zra_sync_background(std::vector<std::string> args, const std::string& name) {
  args.insert(args.begin(), ZRA_SYNC_EXE);
  for (auto& a : args) {
    if (a == "CONFIG") a = (dir_ / "sync.yaml").string();
  }
  return spawn_command(args, (dir_ / (name + ".out")).string(), (dir_ / (name + ".err")).string(),
                       {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
}

int64_t SyncFixture::import_items() const { return sandbox_->requests().value("import_items", 0); }

void SyncFixture::SetUp() {
  char tmpl[] = "/tmp/zra-sync-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  sandbox::SandboxOptions o;
  o.task_delay_s = 0.05;
  o.rate_limits = false;
  start_sandbox(o);
}

void SyncFixture::TearDown() {
  if (sandbox_) sandbox_->stop();
  sandbox_.reset();
  if (!HasFailure()) fs::remove_all(dir_);
  else std::cerr << "test files kept in " << dir_ << "\n";
}

void SyncFixture::start_sandbox(sandbox::SandboxOptions options) {
  if (sandbox_) sandbox_->stop();
  sandbox_options_ = options;
  sandbox_ = std::make_unique<sandbox::SandboxServer>(options);
  sandbox_->start();
}

void SyncFixture::register_crm() {
  if (!fs::exists(dir_ / "sync.yaml")) write_config("");  // registration needs only the crm section
  auto r = zra_sync({"crm", "register", "-c", (dir_ / "sync.yaml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

fs::path SyncFixture::write_file(const std::string& relative, const std::string& content) {
  fs::path p = dir_ / relative;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

fs::path SyncFixture::write_config(const std::string& sources_yaml, const std::string& zra_extra,
                                   const std::string& top_extra) {
  std::ostringstream y;
  y << "version: 1\n"
    << "zra:\n"
    << "  target: zoom\n"
    << "  base_url: " << sandbox_->base_url() << "\n"
    << "  auth:\n"
    << "    token_url: " << sandbox_->token_url() << "\n"
    << "    account_id: " << sandbox_options_.account_id << "\n"
    << "    client_id: " << sandbox_options_.client_id << "\n"
    << "    client_secret: ${TEST_CLIENT_SECRET:-" << sandbox_options_.client_secret << "}\n"
    << "  plan: business\n"
    << "  rate_limits: { resource_intensive: 1000/s, light: 1000/s, medium: 1000/s, heavy: 1000/s, daily: 1000000/day }\n"
    << (zra_extra.find("poll:") == std::string::npos ? "  poll: { initial_ms: 20, max_ms: 100, timeout_s: 30 }\n" : "")
    << zra_extra
    << "crm:\n"
    << "  crm_type: acme\n"
    << "  crm_name: Acme CRM\n"
    << "  deal_stages:\n"
    << "    - { stage_name: Prospecting, stage_type: OPEN }\n"
    << "    - { stage_name: Negotiation, stage_type: OPEN }\n"
    << "    - { stage_name: Closed Won, stage_type: CLOSED_WON }\n"
    << "    - { stage_name: Closed Lost, stage_type: CLOSED_LOST }\n"
    << "state: { path: state/state.db }\n"
    << "report: { dir: reports }\n"
    << top_extra;
  if (!sources_yaml.empty()) y << "sources:\n" << sources_yaml;
  else y << "sources:\n  - name: none\n    plugin: csv\n    streams:\n      - { name: a, object: account, path: none.csv, mapping: { fields: { crm_account_id: Id } } }\n";
  return write_file("sync.yaml", y.str());
}

void SyncFixture::write_default_mappings() {
  write_file("mappings/accounts.yaml",
             "timezone: America/New_York\n"
             "fields:\n"
             "  crm_account_id: Id\n"
             "  account_name: Name\n"
             "  owner_email: { from: OwnerEmail, transform: [lower] }\n"
             "  annual_revenue: Revenue\n"
             "  employees: Employees\n"
             "  modify_time: { from: Modified, format: \"%m/%d/%Y %H:%M\" }\n");
  write_file("mappings/contacts.yaml",
             "fields:\n"
             "  crm_contact_id: Id\n"
             "  crm_account_id: AccountId\n"
             "  contact_name: { template: \"{First} {Last}\" }\n"
             "  contact_email: Email\n"
             "  modify_time: Modified\n");
  write_file("mappings/deals.yaml",
             "fields:\n"
             "  crm_deal_id: Id\n"
             "  crm_account_id: AccountId\n"
             "  deal_name: Name\n"
             "  owner_email: Owner\n"
             "  stage: { from: Stage, map: { \"Closed - Won\": Closed Won } }\n"
             "  amount: Amount\n"
             "  close_date: { from: CloseDate, format: \"%d.%m.%Y\" }\n"
             "  contacts: { from: ContactIds, split: \";\", as: crm_contact_id }\n"
             "  modify_time: Modified\n");
  write_file("mappings/leads.yaml",
             "fields:\n"
             "  crm_lead_id: Id\n"
             "  lead_name: Name\n"
             "  lead_email: Email\n"
             "  company: Company\n"
             "  modify_time: Modified\n");
}

CommandResult SyncFixture::zra_sync(std::vector<std::string> args) {
  args.insert(args.begin(), ZRA_SYNC_EXE);
  for (auto& a : args) {
    if (a == "CONFIG") a = (dir_ / "sync.yaml").string();
  }
  return run_command(args, 120, {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
}

fs::path SyncFixture::last_report_dir() const {
  fs::path newest;
  fs::file_time_type newest_time;
  if (!fs::exists(dir_ / "reports")) return {};
  for (const auto& e : fs::directory_iterator(dir_ / "reports")) {
    auto t = fs::last_write_time(e.path() / "summary.json");
    if (newest.empty() || t > newest_time || (t == newest_time && e.path() > newest)) {
      newest = e.path();
      newest_time = t;
    }
  }
  return newest;
}

std::vector<nlohmann::json> SyncFixture::report_errors() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(last_report_dir() / "errors.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

nlohmann::json SyncFixture::report_summary() const {
  std::ifstream in(last_report_dir() / "summary.json");
  return nlohmann::json::parse(in);
}

nlohmann::json SyncFixture::stored(const std::string& type) const {
  nlohmann::json s = sandbox_->state();
  return s["records"].value(type, nlohmann::json::object());
}

int64_t SyncFixture::import_calls() const {
  nlohmann::json r = sandbox_->requests();
  int64_t n = 0;
  for (const char* p : {"POST /v2/zra/crm/accounts", "POST /v2/zra/crm/contacts", "POST /v2/zra/crm/deals",
                        "POST /v2/zra/crm/leads"}) {
    n += r["by_endpoint"].value(p, 0);
  }
  return n;
}

int64_t SyncFixture::requests_total() const { return sandbox_->requests().value("total", 0); }

}  // namespace zra::testing
