#pragma once
// UTF-8 well-formedness, once for every reader and writer of text (config files, CSV fields, JSON bodies,
// the state export): Unicode Table 3-7, so overlong forms, surrogates, code points past U+10FFFF and
// sequences cut short are all ill-formed.
#include <cstddef>
#include <string_view>

namespace zra {

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at text[i], or 0 when none starts there.
// Requires i < text.size(). Pure; thread-safe.
size_t utf8_sequence_length(std::string_view text, size_t i);

// The offset of the first byte of `text` that does not begin a well-formed UTF-8 sequence, or
// std::string_view::npos when the whole text is valid. ASCII runs are skipped 8 bytes at a time. Pure.
size_t first_invalid_utf8(std::string_view text);

}  // namespace zra
