#include "plugins/rest/exact_json.h"

#include <vector>

namespace zra::rest {
namespace {

using json = nlohmann::ordered_json;

// Deeper pages are refused: compact_json() and the flattener recurse per level, and a hostile page of a
// few hundred KB of '[' would overflow the stack (found by fuzz_rest_page).
constexpr std::size_t kMaxDepth = 512;

// Builds a json DOM from SAX events; non-integer numbers are stored as their source text.
class ExactDomBuilder : public nlohmann::json_sax<json> {
 public:
  json& root() { return root_; }

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t, const string_t& text) override {
    return put(json::binary(json::binary_t::container_type(text.begin(), text.end()), kRawNumberSubtype));
  }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override {
    check_depth();
    stack_.push_back(&insert(json::object()));
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    check_depth();
    stack_.push_back(&insert(json::array()));
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    throw JsonSyntaxError("invalid JSON at byte " + std::to_string(position) + ": " + strip_prefix(ex.what()));
  }

 private:
  void check_depth() const {
    if (stack_.size() >= kMaxDepth) {
      throw JsonSyntaxError("invalid JSON: nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
  }
  static std::string strip_prefix(const std::string& what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "parse error at ..."
    size_t close = what.find("] ");
    return close == std::string::npos ? what : what.substr(close + 2);
  }
  json& insert(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(value);
    return slot;
  }
  bool put(json value) {
    insert(std::move(value));
    return true;
  }

  json root_;
  std::vector<json*> stack_;
  std::string key_;
};

void append_compact(const json& v, std::string& out) {
  if (is_raw_number(v)) {
    out.append(v.get_binary().begin(), v.get_binary().end());
  } else if (v.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ',';
      first = false;
      out += json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace);
      out += ':';
      append_compact(it.value(), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const json& item : v) {
      if (!first) out += ',';
      first = false;
      append_compact(item, out);
    }
    out += ']';
  } else {
    out += v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

}  // namespace

Json parse_json_exact(std::string_view text) {
  ExactDomBuilder builder;
  json::sax_parse(text.begin(), text.end(), &builder);
  return std::move(builder.root());
}

bool is_raw_number(const Json& value) {
  return value.is_binary() && value.get_binary().has_subtype() && value.get_binary().subtype() == kRawNumberSubtype;
}

std::string scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (is_raw_number(value)) return std::string(value.get_binary().begin(), value.get_binary().end());
  if (value.is_number() || value.is_boolean()) return value.dump();
  throw std::invalid_argument(std::string("not a scalar: ") + value.type_name());
}

std::string compact_json(const Json& value) {
  std::string out;
  append_compact(value, out);
  return out;
}

}  // namespace zra::rest
