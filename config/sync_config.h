#pragma once
// The typed configuration of one zra-sync run (DESIGN.md, "Configuration"), and its loader.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_node.h"
#include "config/env_expansion.h"
#include "config/rate_limits.h"
#include "core/common/rate_spec.h"
#include "core/schema/object_types.h"

namespace zra {

struct AuthConfig {
  std::string token_url = "https://zoom.us/oauth/token";
  std::string account_id, client_id, client_secret;  // client_secret is registered with add_secret()
};

struct PollConfig {
  int initial_ms = 500;   // first wait before polling a task
  int max_ms = 15000;     // backoff cap (>= initial_ms)
  int timeout_s = 3600;   // a task not final after this is left `unconfirmed`
};

// `zra.sandbox:` the embedded sandbox's options. Read for target sandbox; allowed and ignored for zoom.
struct SandboxConfig {
  double time_scale = 1.0;          // > 0; above 1 the sandbox's clock runs faster (limits and task times)
  double task_delay_s = 0.5;        // >= 0; how long a task takes to become final, before time scaling
  uint64_t seed = 1;                // fault injection is reproducible for a seed
  std::string state_file;           // absolute; empty: the sandbox keeps its data in memory only
  std::string licensed_users_file;  // absolute; one email per line; empty: every owner_email is accepted
};

struct ZraConfig {
  std::string target = "zoom";  // zoom | sandbox
  std::string base_url = "https://api.zoom.us/v2";
  AuthConfig auth;              // account_id, client_id, client_secret required when target == zoom
  std::string plan = "business";  // pro | business | custom
  // The effective limits for all five labels of kRateLabels: the plan's defaults overlaid by the file's
  // `rate_limits` (with plan custom, the file must give all five).
  std::map<std::string, RateSpec> rate_limits;
  int batch_size = 2000;        // 1..2000
  int max_in_flight_tasks = 4;  // 1..64
  PollConfig poll;
  bool tls_verify = true;       // `tls: {verify, ca_file}`
  std::string ca_file;          // absolute, or empty for the system store
  int request_timeout_s = 60;   // 1..3600
  int max_retries = 8;          // 0..100
  SandboxConfig sandbox;
};

struct DealStage {
  std::string name;  // `stage_name`
  std::string type;  // `stage_type`: OPEN | CLOSED_WON | CLOSED_LOST
};

struct CrmConfig {
  std::string crm_type;               // ^[a-zA-Z][a-zA-Z0-9_]*$, 1..16 chars
  std::string crm_name;               // defaults to crm_type (as the API does)
  std::string currency_type = "USD";  // three capital letters
  std::vector<DealStage> deal_stages;  // 1..50, unique names, each stage type at least once
  std::map<std::string, std::string> url_patterns;  // keys account|contact|deal|lead; values contain {id}
};

struct StreamConfig {
  std::string name;             // unique within its source
  ObjectType object = ObjectType::Account;
  std::string mode = "upsert";  // upsert | mirror
  double max_delete_fraction = 0.2;  // 0..1
  bool cursor = false;          // since-cursor; incompatible with mirror
  // The mapping root ({fields: ..., timezone: ...}): inline, or loaded from the named file, in which case
  // its nodes' file() is the mapping file and its key paths start with "<stream path>.mapping".
  ConfigNode mapping;
  // The whole stream node, plugin-specific keys (path, query, records, pagination...) included with their
  // positions: the engine checks them against the plugin's declared stream settings.
  ConfigNode node;
};

struct SourceConfig {
  std::string name;     // unique; [A-Za-z0-9][A-Za-z0-9_.-]*
  std::string plugin;   // plugin name: lib<plugin>.so
  ConfigNode settings;  // plugin settings, unchecked here (a Map; empty when not given)
  ConfigNode node;      // the whole source node
  std::vector<StreamConfig> streams;  // at least one
  std::string isolation = "process";  // `isolation`: process (plugin in a child process) | in_process
  // `read_timeout` ("10m", "2h", seconds): how long the plugin's process may send nothing before it is
  // taken as hung (killed, its stream failed). Unset: $ZRA_SYNC_SOURCE_READ_TIMEOUT_S, else 10 minutes.
  std::optional<double> read_timeout_s;
};

struct StateConfig {
  std::string path = ".zra-sync/state.db";  // absolute after loading
  double retry_rejected_after_s = 86400;    // `retry_rejected_after`: "24h", "90m", "3600s" or seconds
};

struct ReportConfig {
  std::string dir = "reports";  // absolute after loading
  std::string metrics_file;     // absolute, or empty for none
};

struct SyncConfig {
  int version = 1;
  std::string file;  // absolute path of the config file
  ZraConfig zra;
  CrmConfig crm;
  std::vector<std::string> plugin_paths;  // absolute, in file order
  std::vector<SourceConfig> sources;      // at least one
  StateConfig state;
  ReportConfig report;
};

// Loads and checks the configuration file at `path` (YAML or JSON, see read_config_file).
// Every path in the result is absolute: relative ones resolve against the directory of the file that
// names them (the config file, or a mapping file for what it names); state.path and report.dir default
// to ".zra-sync/state.db" and "reports" beside the config file.
// Registers auth.client_secret, and under source settings and streams every value whose key contains
// "secret", "password", "passwd" or "token" (but not ending in "url"), and the PWD=/Password= part of
// connection strings, with add_secret().
// Throws ConfigError (file, line, key path) for: unreadable files, syntax errors, unset variables,
// unknown keys (listing the allowed ones) wherever the engine owns the schema (everything except source
// `settings`, stream keys other than name/object/mapping/mode/max_delete_fraction/cursor, and mapping
// fields, which the mapping compiler checks), wrong types, values out of range, and the rules of the
// registration (crm_type, deal stages). Safe to call from several threads (add_secret() is).
SyncConfig load_config(const std::string& path, const EnvLookup& env = process_env());

}  // namespace zra
