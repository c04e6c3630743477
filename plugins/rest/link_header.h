#pragma once
// RFC 8288 Link header parsing: `<https://x/p?page=2>; rel="next", <...>; rel="prev last"`.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zra::rest {

class LinkHeaderError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Returns the target URI of the first link whose rel (a space-separated list, compared
// case-insensitively) contains `rel`, or nullopt when there is none. Commas and semicolons inside
// <...> and quoted strings are handled. Throws LinkHeaderError when `header` is not a Link value.
std::optional<std::string> find_link(std::string_view header, std::string_view rel = "next");

}  // namespace zra::rest
