#include "plugins/rest/paginator.h"

#include <functional>

#include "plugins/rest/link_header.h"
#include "plugins/rest/url_builder.h"

namespace zra::rest {
namespace {

const char* type_name(PaginationType t) {
  switch (t) {
    case PaginationType::None: return "none";
    case PaginationType::Page: return "page";
    case PaginationType::Offset: return "offset";
    case PaginationType::Cursor: return "cursor";
    case PaginationType::NextUrl: return "next_url";
    case PaginationType::LinkHeader: return "link_header";
  }
  return "?";
}

// The value at `pointer` as text, nullopt when absent, null or "". Throws PaginationError for objects/arrays.
std::optional<std::string> text_at(const Json& document, const std::string& pointer, const char* what) {
  Json::json_pointer ptr(pointer);
  if (!document.contains(ptr)) return std::nullopt;
  const Json& v = document.at(ptr);
  if (v.is_null()) return std::nullopt;
  if (v.is_object() || v.is_array()) {
    throw PaginationError(std::string("the ") + what + " at \"" + pointer + "\" is a " + v.type_name() +
                          ", expected a string");
  }
  std::string text = scalar_text(v);
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

Paginator::Paginator(PaginationSpec spec, std::string first_url, long max_pages)
    : spec_(std::move(spec)), first_url_(std::move(first_url)), max_pages_(max_pages), position_(spec_.start) {
  next_ = (spec_.type == PaginationType::Page || spec_.type == PaginationType::Offset) ? numbered_url(position_)
                                                                                         : first_url_;
  if (spec_.type == PaginationType::NextUrl || spec_.type == PaginationType::LinkHeader) seen_.insert(first_url_);
}

std::string Paginator::numbered_url(long value) const {
  QueryParams params{{spec_.param, std::to_string(value)}};
  if (!spec_.size_param.empty()) params.emplace_back(spec_.size_param, std::to_string(spec_.size));
  return append_query(first_url_, params);
}

std::optional<std::string> Paginator::next_url() {
  if (error_) throw PaginationError(*error_);
  if (finished_ || !next_) return std::nullopt;
  if (pages_ >= max_pages_) {
    throw PaginationError("the server still announces more pages after max_pages = " + std::to_string(max_pages_) +
                          " pages; raise max_pages if the data really is that large");
  }
  ++pages_;
  std::optional<std::string> url = std::move(next_);
  next_.reset();
  return url;
}

void Paginator::on_page(const PageResult& page) {
  try {
    next_ = decide(page);
    if (!next_) finished_ = true;
  } catch (const std::exception& e) {
    error_ = std::string("pagination (") + type_name(spec_.type) + ") after page " + std::to_string(pages_) + ": " +
             e.what();
  }
}

void Paginator::check_not_repeated(const PageResult& page) {
  // A cursor or next link in the body may change on every page while the records stay the same (links
  // that grow: "?page=1" -> "./?page=1&x" -> ...), so it is blanked out before hashing.
  size_t hash;
  const bool link_in_body =
      (spec_.type == PaginationType::Cursor || spec_.type == PaginationType::NextUrl) && !spec_.pointer.empty();
  Json::json_pointer pointer(link_in_body ? spec_.pointer : "");
  if (link_in_body && page.document.contains(pointer)) {
    Json content = page.document;
    content[pointer] = nullptr;
    hash = std::hash<std::string>{}(compact_json(content));
  } else {
    hash = std::hash<std::string>{}(page.body);
  }
  auto [earlier, inserted] = page_by_hash_.emplace(hash, pages_);
  if (inserted) return;
  const std::string what =
      "page " + std::to_string(pages_) + " is identical to page " + std::to_string(earlier->second);
  if (spec_.type == PaginationType::Page || spec_.type == PaginationType::Offset) {
    throw PaginationError(what + ": the server seems to ignore the \"" + spec_.param + "\" parameter (" +
                          page.url + ")");
  }
  throw PaginationError(what + (link_in_body ? " (but for its " + std::string(type_name(spec_.type)) + ")" : "") +
                        ": the server is serving the same page again under another " +
                        (spec_.type == PaginationType::Cursor ? "cursor" : "link") +
                        "; stopping instead of looping forever (" + page.url + ")");
}

std::optional<std::string> Paginator::decide(const PageResult& page) {
  if (page.record_count == 0) return std::nullopt;
  std::optional<std::string> url = follow(page);
  if (!url) return std::nullopt;
  check_not_repeated(page);
  if (url->size() > kMaxUrlBytes) {
    throw PaginationError("the next URL is " + std::to_string(url->size()) + " bytes long, more than the " +
                          std::to_string(kMaxUrlBytes) + " followed: the server seems to build ever longer " +
                          (spec_.type == PaginationType::Cursor ? "cursors" : "links") + " (it starts with " +
                          url->substr(0, 120) + "...)");
  }
  return url;
}

std::optional<std::string> Paginator::follow(const PageResult& page) {
  switch (spec_.type) {
    case PaginationType::None:
      return std::nullopt;
    case PaginationType::Page:
    case PaginationType::Offset: {
      position_ += spec_.type == PaginationType::Page ? 1 : static_cast<long>(page.record_count);
      return numbered_url(position_);
    }
    case PaginationType::Cursor: {
      std::optional<std::string> cursor = text_at(page.document, spec_.pointer, "cursor");
      if (!cursor) return std::nullopt;
      if (!seen_.insert(*cursor).second) {
        throw PaginationError("the server returned the cursor \"" + *cursor +
                              "\" a second time; stopping instead of looping forever");
      }
      return set_query_param(first_url_, spec_.param, *cursor);
    }
    case PaginationType::NextUrl:
    case PaginationType::LinkHeader: {
      std::optional<std::string> ref;
      if (spec_.type == PaginationType::NextUrl) {
        ref = text_at(page.document, spec_.pointer, "next link");
      } else if (page.link) {
        ref = find_link(*page.link, "next");
      }
      if (!ref || ref->empty()) return std::nullopt;
      std::string url = resolve_url(page.url, *ref);
      // Credentials go only where base_url points: a next link to another origin is refused.
      if (url_origin(url) != url_origin(first_url_)) {
        throw PaginationError("the next link \"" + url + "\" leaves " + url_origin(first_url_) +
                              "; refusing to send credentials to another origin");
      }
      if (!seen_.insert(url).second) {
        throw PaginationError("the server returned the next link \"" + url +
                              "\" a second time; stopping instead of looping forever");
      }
      return url;
    }
  }
  return std::nullopt;
}

}  // namespace zra::rest
