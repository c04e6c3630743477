#pragma once
// Runs the real `zra-sync` binary against an in-process sandbox on loopback, with config, mappings and
// CSV files written into a temporary directory, and reads back what the sandbox stored and reported.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/sandbox_server.h"

namespace zra::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv (argv[0] = program) with a timeout; captures stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, int timeout_s = 120,
                          const std::map<std::string, std::string>& env = {});

// A process running in the background, its output going to files.
struct Spawned {
  int pid = -1;
  std::string out_file, err_file;
};
Spawned spawn_command(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file,
                      const std::map<std::string, std::string>& env = {});
// Waits for the process; returns its exit code (128 + signal when killed).
int wait_for(const Spawned& p);
std::string read_text(const std::string& path);

class SyncFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the sandbox (call again after changing options to restart it with a fresh store).
  void start_sandbox(sandbox::SandboxOptions options = {});
  // Registers the default CRM (stages Prospecting, Negotiation / Closed Won / Closed Lost) directly.
  void register_crm();

  std::filesystem::path write_file(const std::string& relative, const std::string& content);
  // Writes sync.yaml: the sandbox as target `zoom` over loopback http, fast client limits and polling,
  // the given sources block (YAML text indented at 2), and extra top-level zra keys.
  std::filesystem::path write_config(const std::string& sources_yaml, const std::string& zra_extra = "",
                                     const std::string& top_extra = "");
  // The four default mappings under mappings/, matching the CSV helpers below.
  void write_default_mappings();

  CommandResult zra_sync(std::vector<std::string> args);
  Spawned zra_sync_background(std::vector<std::string> args, const std::string& name);
  int64_t import_items() const;  // records carried by all import calls the sandbox saw
  // The newest run report directory.
  std::filesystem::path last_report_dir() const;
  std::vector<nlohmann::json> report_errors() const;  // errors.jsonl of the newest run
  nlohmann::json report_summary() const;

  nlohmann::json stored(const std::string& type) const;  // {id: record} held by the sandbox
  int64_t import_calls() const;                          // POST imports the sandbox saw
  int64_t requests_total() const;

  std::filesystem::path dir_;
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
  sandbox::SandboxOptions sandbox_options_;
};

}  // namespace zra::testing
