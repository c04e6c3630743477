#include "config/yaml_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "core/common/utf8.h"
#include "core/common/errors.h"

namespace zra {
namespace {

// Aliases are shared in yaml-cpp's tree but copied in ours: bound the copy ("billion laughs").
constexpr size_t kMaxNodes = 200'000;
// An alias inside its own anchor (`a: &x [*x]`) is a cycle in yaml-cpp's tree: bound the depth, or the
// copy recurses until the stack overflows (found by fuzz_config_loader).
constexpr size_t kMaxDepth = 200;

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

class TreeBuilder {
 public:
  TreeBuilder(std::string file, const EnvLookup& env) : file_(std::move(file)), env_(env) {}

  ConfigNode build(const YAML::Node& y, const std::string& path, int line) {
    if (++count_ > kMaxNodes) {
      throw ConfigError(file_, line, path, "more than " + std::to_string(kMaxNodes) +
                                               " values once aliases are expanded");
    }
    if (depth_ >= kMaxDepth) {
      throw ConfigError(file_, line, "", "values nested more than " + std::to_string(kMaxDepth) +
                                             " levels deep (an alias inside its own anchor?)");
    }
    ++depth_;
    struct Leave {
      size_t& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return ConfigNode::null(file_, line, path);
      case YAML::NodeType::Scalar: {
        // yaml-cpp tags plain scalars "?", quoted ones "!"; an explicit !!str counts as quoted.
        const std::string& tag = y.Tag();
        bool quoted = tag == "!" || tag == "tag:yaml.org,2002:str";
        ConfigNode raw = ConfigNode::scalar(y.Scalar(), quoted, file_, line, path);
        return ConfigNode::scalar(expand_env(y.Scalar(), env_, raw), quoted, file_, line, path);
      }
      case YAML::NodeType::Sequence: {
        ConfigNode seq = ConfigNode::sequence(file_, line, path);
        size_t i = 0;
        for (const auto& item : y) {
          seq.push_back(build(item, path + "[" + std::to_string(i++) + "]", line_of(item, line)));
        }
        return seq;
      }
      case YAML::NodeType::Map:
        return build_map(y, path, line);
    }
    return ConfigNode::null(file_, line, path);
  }

  static int line_of(const YAML::Node& y, int fallback) {
    int l = y.Mark().line;
    return l >= 0 ? l + 1 : fallback;
  }

 private:
  ConfigNode build_map(const YAML::Node& y, const std::string& path, int line) {
    ConfigNode map = ConfigNode::map(file_, line, path);
    std::unordered_map<std::string, int> key_lines;  // key -> line, for duplicate-key messages
    std::vector<YAML::Node> merge_store;
    for (auto it = y.begin(); it != y.end(); ++it) {
      int key_line = line_of(it->first, line);
      if (it->first.IsNull()) throw ConfigError(file_, key_line, path, "a key is missing before ':'");
      if (!it->first.IsScalar()) {
        throw ConfigError(file_, key_line, path, "keys must be text, not a list or a mapping");
      }
      const std::string& key = it->first.Scalar();
      if (key == "<<" && it->first.Tag() == "?") {
        merge_store.push_back(it->second);
        continue;
      }
      auto [first, inserted] = key_lines.emplace(key, key_line);
      if (!inserted) {
        throw ConfigError(file_, key_line, child_path(path, key),
                          "duplicate key '" + key + "' (first given at line " + std::to_string(first->second) +
                              ")");
      }
      map.set(key, build(it->second, child_path(path, key), key_line));
    }
    // YAML merge keys: entries of the merged mapping(s) that the mapping does not give itself.
    for (const auto& m : merge_store) {
      std::vector<YAML::Node> sources;
      if (m.IsMap()) {
        sources.push_back(m);
      } else if (m.IsSequence()) {
        for (const auto& s : m) sources.push_back(s);
      }
      for (const auto& s : sources) {
        if (!s.IsMap()) {
          throw ConfigError(file_, line_of(s, line), child_path(path, "<<"),
                            "a merge key ('<<') takes a mapping or a list of mappings");
        }
        for (auto it = s.begin(); it != s.end(); ++it) {
          const std::string& key = it->first.Scalar();
          if (map.find(key) != nullptr) continue;
          map.set(key, build(it->second, child_path(path, key), line_of(it->first, line)));
        }
      }
    }
    return map;
  }

  std::string file_;
  const EnvLookup& env_;
  size_t count_ = 0;
  size_t depth_ = 0;
};

// Sees a document's events and keeps only where the last document started.
class DocumentCounter : public YAML::EventHandler {
 public:
  int last_start_line() const { return last_start_line_; }
  void OnDocumentStart(const YAML::Mark& mark) override { last_start_line_ = mark.line >= 0 ? mark.line + 1 : 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  int last_start_line_ = 0;
};

std::string read_whole_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ConfigError(path, 0, "", std::string("cannot read file: ") + std::strerror(errno));
  std::string text;
  char buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f.get());
    text.append(buf, n);
    if (n < sizeof buf) {
      if (std::ferror(f.get())) {
        throw ConfigError(path, 0, "", std::string("cannot read file: ") + std::strerror(errno));
      }
      break;
    }
  }
  return text;
}

// yaml-cpp reads JSON as YAML, which forgives trailing commas and bare words: hold JSON files to JSON.
void check_strict_json(std::string_view text, const std::string& file) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    size_t end = std::min(text.size(), e.byte > 0 ? static_cast<size_t>(e.byte - 1) : 0);
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    std::string what = e.what();
    size_t detail = what.find("syntax error");
    throw ConfigError(file, line, "", "invalid JSON: " + (detail == std::string::npos ? what : what.substr(detail)));
  } catch (const nlohmann::json::out_of_range& e) {  // 1e309 (found by fuzz_config_loader); no position known
    std::string what = e.what();
    throw ConfigError(file, 0, "", "invalid JSON: " + what.substr(what.find("] ") + 2));
  }
}

// The byte at `at` as "0x1F at column 12" and its line, for the two checks below.
struct BytePosition {
  int line;
  std::string what;
};
BytePosition byte_position(std::string_view text, size_t at) {
  const size_t newline = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[at])));
  return {line, std::string(hex) + " at column " + std::to_string(at - line_start + 1)};
}

// Before any parser sees the text: yaml-cpp passes ill-formed bytes through, and nlohmann's message would
// quote them raw. Control characters other than tab and line breaks are not YAML (nor JSON outside
// strings), and yaml-cpp turns some into other text (NUL followed by 'N' becomes U+0085 in a plain
// scalar: fuzz finding 18), so they are refused too.
void check_text(std::string_view text, const std::string& file) {
  const size_t bad = first_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    const BytePosition at = byte_position(text, bad);
    throw ConfigError(file, at.line, "",
                      "invalid UTF-8 (byte " + at.what + "); the file must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      const BytePosition at = byte_position(text, i);
      throw ConfigError(file, at.line, "",
                        "control character " + at.what + "; a config holds text: tabs, line breaks and printable "
                        "characters only (write other characters as escapes in a double-quoted string, e.g. \"\\t\")");
    }
  }
}

// yaml-cpp reports a tab in the indentation as "end of map not found" or the like: say what it is.
bool indented_with_tab(std::string_view text, int line) {
  size_t start = 0;
  for (int l = 1; l < line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos) return false;
  for (size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
    if (text[i] == '\t') return true;
  }
  return false;
}

bool looks_like_json(const std::string& path, const std::string& text) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".json") return true;
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

}  // namespace

ConfigNode parse_config_text(const std::string& input, const std::string& file, const EnvLookup& env,
                             const std::string& root_key_path, bool json) {
  std::string_view text = input;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  check_text(text, file);
  if (json) check_strict_json(text, file);
  YAML::Node doc;
  try {
    // Count documents with the event parser, stopping at two: yaml-cpp 0.7's LoadAll never ends on some
    // inputs (a lone ',' yields empty documents forever), while one HandleNextDocument call is bounded.
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentCounter counter;
    if (!parser.HandleNextDocument(counter)) return ConfigNode::null(file, 1, root_key_path);
    if (parser.HandleNextDocument(counter)) {
      throw ConfigError(file, counter.last_start_line(), "",
                        "more than one YAML document (a '---' line, or a stray ',' at the top level); "
                        "a configuration file holds one");
    }
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    std::string hint;
    if (!json && line > 0 && indented_with_tab(text, line)) hint = " (a tab in the indentation: YAML indents with spaces only)";
    throw ConfigError(file, line, "", std::string(json ? "invalid JSON: " : "invalid YAML: ") + e.msg + hint);
  }
  TreeBuilder builder(file, env);
  return builder.build(doc, root_key_path, TreeBuilder::line_of(doc, 1));
}

ConfigNode read_config_file(const std::string& path, const EnvLookup& env, const std::string& root_key_path) {
  std::string file = std::filesystem::absolute(path).lexically_normal().string();
  if (std::filesystem::is_directory(file)) throw ConfigError(file, 0, "", "cannot read file: Is a directory");
  std::string text = read_whole_file(file);
  return parse_config_text(text, file, env, root_key_path, looks_like_json(file, text));
}

}  // namespace zra
