// Fuzzes config/: parse_config_text (YAML and strict JSON, ${VAR} expansion, merge keys, aliases) and
// load_config on a temporary file (.yaml or .json) in a directory that holds a mapping file, so that
// `mapping: mappings/accounts.yaml` loads too.
// Input: byte 0 (bit 0: JSON wording/strictness for parse_config_text, bit 1: the file is .json), then text.
// Checks, beyond "no crash, no leak, no UB":
//  - the only exception is ConfigError, and it names a file;
//  - a config that loads says `version: 1` (not a number that narrows to 1);
//  - every node of a parsed tree carries the file, a line >= 1 and a key path below the root's;
//  - to_json() of any tree works, and scalar conversions throw nothing but ConfigError.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config_node.h"
#include "config/sync_config.h"
#include "config/yaml_reader.h"
#include "core/common/errors.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;

std::optional<std::string> fake_env(const std::string& name) {
  if (name == "ZOOM_ACCOUNT_ID") return std::string("acct-1");
  if (name == "ZOOM_CLIENT_ID") return std::string("client-1");
  if (name == "ZOOM_CLIENT_SECRET") return std::string("fuzz-client-secret");
  if (name == "CRM_TOKEN") return std::string("fuzz-crm-token");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

// A private directory for the whole run, with a mapping file the configs may name.
const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zra-fuzz-config-XXXXXX").string();
    check(mkdtemp(tmpl.data()) != nullptr, "mkdtemp", tmpl);
    std::filesystem::create_directories(std::filesystem::path(tmpl) / "mappings");
    std::ofstream(std::filesystem::path(tmpl) / "mappings" / "accounts.yaml")
        << "fields:\n  crm_account_id: Id\n  account_name: { from: Name, transform: [trim] }\n";
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(work_dir(), ec); });
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

void walk(const zra::ConfigNode& node, const std::string& file) {
  check(node.file() == file, "a node carries its file", node.file());
  check(node.line() >= 1, "a node has a line", node.path());
  switch (node.kind()) {
    case zra::ConfigNode::Kind::Null:
      break;
    case zra::ConfigNode::Kind::Scalar:
      try { (void)node.as_int(); } catch (const zra::ConfigError&) {}
      try { (void)node.as_double(); } catch (const zra::ConfigError&) {}
      try { (void)node.as_bool(); } catch (const zra::ConfigError&) {}
      break;
    case zra::ConfigNode::Kind::Sequence:
      for (const auto& item : node.items()) walk(item, file);
      break;
    case zra::ConfigNode::Kind::Map:
      for (const auto& [key, value] : node.entries()) {
        check(value.path().compare(0, node.path().size(), node.path()) == 0, "a child's key path starts with its parent's",
              value.path());
        walk(value, file);
      }
      break;
  }
}

void fuzz_parse(const std::string& text, bool json) {
  const std::string file = "/fuzz/config.yaml";
  try {
    const zra::ConfigNode root = zra::parse_config_text(text, file, fake_env, "", json);
    walk(root, file);
    (void)root.to_json();
  } catch (const zra::ConfigError& e) {
    check(e.file() == file, "a parse error names the file", e.what());
  }
}

void fuzz_load(const std::string& text, bool json) {
  const std::filesystem::path path = work_dir() / (json ? "sync.json" : "sync.yaml");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  try {
    const zra::SyncConfig config = zra::load_config(path.string(), fake_env);
    check(config.version == 1, "a loaded config is version 1");
    const zra::ConfigNode root = zra::parse_config_text(text, path.string(), fake_env, "", json);
    check(root.at("version").as_int() == 1, "a loaded config says version 1", root.at("version").as_string());
    check(!config.sources.empty(), "a loaded config has a source");
  } catch (const zra::ConfigError& e) {
    check(!e.file().empty(), "a load error names a file", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  fuzz_parse(text, (bytes[0] & 1) != 0);
  fuzz_load(text, (bytes[0] & 2) != 0);
  return 0;
}
