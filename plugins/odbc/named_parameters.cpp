#include "plugins/odbc/named_parameters.h"

#include <cctype>

#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class QueryScanner {
 public:
  explicit QueryScanner(const std::string& query) : q_(query) {}

  RewrittenQuery run() {
    while (i_ < q_.size()) {
      const char c = q_[i_];
      const char next = i_ + 1 < q_.size() ? q_[i_ + 1] : '\0';
      if (c == '\'') {
        bool backslash_escapes = i_ > 0 && (q_[i_ - 1] == 'E' || q_[i_ - 1] == 'e') &&
                                 (i_ < 2 || !is_name_char(q_[i_ - 2]));
        copy_quoted('\'', backslash_escapes, "string literal");
      } else if (c == '"' || c == '`') {
        copy_quoted(c, false, "quoted identifier");
      } else if (c == '-' && next == '-') {
        size_t end = q_.find('\n', i_);
        copy_until(end == std::string::npos ? q_.size() : end);
      } else if (c == '/' && next == '*') {
        copy_block_comment();
      } else if (c == '$' && (i_ == 0 || !is_name_char(q_[i_ - 1])) && copy_dollar_quoted()) {
        // copied
      } else if (c == ':' && next == ':') {
        copy_until(i_ + 2);
      } else if (c == ':' && is_name_start(next)) {
        size_t end = i_ + 1;
        while (end < q_.size() && is_name_char(q_[end])) ++end;
        out_.parameter_names.push_back(q_.substr(i_ + 1, end - i_ - 1));
        out_.sql += '?';
        i_ = end;
      } else if (c == '?') {
        throw settings_failure("query: positional '?' marker at offset " + std::to_string(i_) +
                               "; use named parameters (:name) with `params` instead");
      } else {
        out_.sql += c;
        ++i_;
      }
    }
    return std::move(out_);
  }

 private:
  void copy_until(size_t end) {
    out_.sql.append(q_, i_, end - i_);
    i_ = end;
  }

  void copy_quoted(char quote, bool backslash_escapes, const char* what) {
    const size_t start = i_;
    size_t j = i_ + 1;
    while (true) {
      if (j >= q_.size()) {
        throw settings_failure(std::string("query: unterminated ") + what + " starting at offset " +
                               std::to_string(start));
      }
      if (backslash_escapes && q_[j] == '\\') {
        j += 2;
        continue;
      }
      if (q_[j] == quote) {
        if (j + 1 < q_.size() && q_[j + 1] == quote) {  // doubled quote is an escaped quote
          j += 2;
          continue;
        }
        break;
      }
      ++j;
    }
    copy_until(j + 1);
  }

  void copy_block_comment() {
    const size_t start = i_;
    size_t j = i_ + 2;
    int depth = 1;  // PostgreSQL nests block comments
    while (depth > 0) {
      if (j + 1 >= q_.size()) {
        throw settings_failure("query: unterminated /* comment starting at offset " + std::to_string(start));
      }
      if (q_[j] == '/' && q_[j + 1] == '*') {
        ++depth;
        j += 2;
      } else if (q_[j] == '*' && q_[j + 1] == '/') {
        --depth;
        j += 2;
      } else {
        ++j;
      }
    }
    copy_until(j);
  }

  // $tag$ ... $tag$ (tag possibly empty). Returns false when '$' does not open one (e.g. "$1").
  bool copy_dollar_quoted() {
    size_t j = i_ + 1;
    while (j < q_.size() && is_name_char(q_[j]) && !(j == i_ + 1 && std::isdigit(static_cast<unsigned char>(q_[j])))) ++j;
    if (j >= q_.size() || q_[j] != '$') return false;
    const std::string tag = q_.substr(i_, j - i_ + 1);
    size_t close = q_.find(tag, j + 1);
    if (close == std::string::npos) {
      throw settings_failure("query: unterminated dollar-quoted string " + tag + " starting at offset " +
                             std::to_string(i_));
    }
    copy_until(close + tag.size());
    return true;
  }

  const std::string& q_;
  size_t i_ = 0;
  RewrittenQuery out_;
};

}  // namespace

RewrittenQuery rewrite_named_parameters(const std::string& query) { return QueryScanner(query).run(); }

}  // namespace zra::odbc
