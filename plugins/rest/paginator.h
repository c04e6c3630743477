#pragma once
// The pagination state machine of one stream: which URL to GET next, given what the last page brought.
// It ends the stream on an empty page, on a missing cursor or next link, and refuses to loop: a cursor
// or next URL seen before, a page identical to an earlier one (a server ignoring the page/offset
// parameter, or handing out ever-new links to the same page: for cursor and next_url the cursor or link
// in the body is left out of the comparison), or a next URL longer than kMaxUrlBytes (links that grow
// each page) fails the stream with a message naming the repeated value. More than max_pages pages fail
// too (stopping silently there would lose records, and in mirror mode delete them).
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "plugins/rest/exact_json.h"
#include "plugins/rest/rest_settings.h"

namespace zra::rest {

// Longest next URL followed (servers and proxies commonly refuse longer request lines).
inline constexpr size_t kMaxUrlBytes = 8192;

class PaginationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What one page brought.
struct PageResult {
  const std::string& url;           // the URL requested (before credentials were added)
  const std::string& body;          // the raw body (for repeat detection)
  const Json& document;             // the parsed body
  size_t record_count;
  std::optional<std::string> link;  // the Link header(s), joined with ","; nullopt when absent
};

class Paginator {
 public:
  // `first_url` is base_url + path + the stream's params.
  Paginator(PaginationSpec spec, std::string first_url, long max_pages);

  // The URL of the next page, or nullopt when the stream is finished.
  // Throws PaginationError when the last page revealed a loop or max_pages was reached.
  std::optional<std::string> next_url();

  // Records what the page fetched from the URL next_url() returned brought, and decides the next URL.
  // A problem is raised by the following next_url(), so the rows of this page are still delivered.
  void on_page(const PageResult& page);

  // 1-based number of the page next_url() returned last.
  long page_number() const { return pages_; }

 private:
  std::optional<std::string> decide(const PageResult& page);
  // The URL the page's cursor, link or position leads to; nullopt when it names none.
  std::optional<std::string> follow(const PageResult& page);
  std::string numbered_url(long value) const;
  // Throws PaginationError when this page's content (see the file comment) was served before.
  void check_not_repeated(const PageResult& page);

  PaginationSpec spec_;
  std::string first_url_;
  long max_pages_;
  long pages_ = 0;
  long position_ = 0;  // page number or offset of the next request
  std::optional<std::string> next_;
  bool finished_ = false;
  std::optional<std::string> error_;
  std::unordered_set<std::string> seen_;  // cursors or URLs
  std::unordered_map<size_t, long> page_by_hash_;  // content hash -> first page that had it
};

}  // namespace zra::rest
