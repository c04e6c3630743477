#pragma once
// Configuration and mapping files must be UTF-8: a Latin-1 file would otherwise load, and its names
// would reach ZRA as mojibake or be rejected there, far from the line that caused it.
#include <cstddef>
#include <string_view>

namespace zra {

// The offset of the first byte of `text` that does not begin a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF are ill-formed, as is a sequence cut short), or
// std::string_view::npos when the whole text is valid. Pure; thread-safe.
size_t first_invalid_utf8(std::string_view text);

}  // namespace zra
