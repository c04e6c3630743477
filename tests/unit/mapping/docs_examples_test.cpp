// Keeps docs/mapping.md honest: every mapping example in it compiles, and the rows it shows map to the
// records or issues it shows.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/common/errors.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using nlohmann::json;

struct DocExample {
  int line = 0;              // of the ```yaml fence in docs/mapping.md
  std::string yaml;
  std::string object;        // "# object: deal"
  std::string compile_error; // "# compile error: ..."
  struct Check {
    json row;
    bool gives;  // "# gives: {record}"; otherwise "# issue: {field, raw_value, detail}"
    json want;
  };
  std::vector<Check> checks;
};

std::string after_prefix(const std::string& line, const std::string& prefix) {
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : std::string();
}

std::vector<DocExample> read_examples(const std::string& path, int& unmarked_blocks) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<DocExample> out;
  std::string line;
  int number = 0;
  DocExample* current = nullptr;
  json pending_row;
  unmarked_blocks = 0;
  while (std::getline(in, line)) {
    ++number;
    if (current == nullptr) {
      if (line == "```yaml") {
        out.emplace_back();
        current = &out.back();
        current->line = number;
      }
      continue;
    }
    if (line == "```") {
      if (current->object.empty()) {
        // Configuration excerpts are allowed, and say so; any other block must be a checked example.
        if (current->yaml.rfind("# (configuration excerpt", 0) != 0) ++unmarked_blocks;
        out.pop_back();
      }
      current = nullptr;
      continue;
    }
    current->yaml += line + "\n";
    if (std::string v = after_prefix(line, "# object: "); !v.empty()) current->object = v;
    if (std::string v = after_prefix(line, "# compile error: "); !v.empty()) current->compile_error = v;
    if (std::string v = after_prefix(line, "# row: "); !v.empty()) pending_row = json::parse(v);
    if (std::string v = after_prefix(line, "# gives: "); !v.empty()) {
      current->checks.push_back({pending_row, true, json::parse(v)});
    }
    if (std::string v = after_prefix(line, "# issue: "); !v.empty()) {
      current->checks.push_back({pending_row, false, json::parse(v)});
    }
  }
  return out;
}

SourceRow row_from_json(const json& cells) {
  mapping_test::Cells c;
  for (auto it = cells.begin(); it != cells.end(); ++it) {
    if (it->is_null()) {
      c.emplace_back(it.key(), std::nullopt);
    } else {
      c.emplace_back(it.key(), it->get<std::string>());
    }
  }
  return mapping_test::make_row(c);
}

TEST(MappingDocs, EveryExampleCompilesAndMapsAsShown) {
  int unmarked = 0;
  std::vector<DocExample> examples = read_examples(std::string(ZRA_SOURCE_DIR) + "/docs/mapping.md", unmarked);
  EXPECT_EQ(unmarked, 0) << "a yaml block in docs/mapping.md is neither an example nor a configuration excerpt";
  ASSERT_GE(examples.size(), 20u);
  size_t checks = 0;
  for (const auto& ex : examples) {
    SCOPED_TRACE("docs/mapping.md:" + std::to_string(ex.line));
    auto type = parse_object_type(ex.object);
    ASSERT_TRUE(type.has_value()) << ex.object;
    ConfigNode root = mapping_test::yaml_node(ex.yaml, "docs/mapping.md");
    if (!ex.compile_error.empty()) {
      try {
        Mapping::compile(*type, root);
        ADD_FAILURE() << "compiled, expected: " << ex.compile_error;
      } catch (const ConfigError& e) {
        EXPECT_EQ(e.detail(), ex.compile_error);
      }
      ++checks;
      continue;
    }
    std::shared_ptr<const Mapping> mapping = Mapping::compile(*type, root);
    EXPECT_FALSE(ex.checks.empty()) << "an example without a '# row:' line";
    for (const auto& check : ex.checks) {
      MappedRow r = mapping->apply(row_from_json(check.row));
      if (check.gives) {
        EXPECT_TRUE(r.ok()) << check.row.dump() << ": " << (r.ok() ? "" : r.issues[0].detail);
        EXPECT_EQ(r.record, check.want) << check.row.dump();
      } else {
        ASSERT_EQ(r.issues.size(), 1u) << check.row.dump();
        EXPECT_EQ(json({{"field", r.issues[0].field}, {"raw_value", r.issues[0].raw_value},
                        {"detail", r.issues[0].detail}}),
                  check.want);
      }
      ++checks;
    }
  }
  EXPECT_GE(checks, 40u);
}

}  // namespace
}  // namespace zra
