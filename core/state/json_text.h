#pragma once
// Writing JSON text by hand where a DOM per row would cost more than the row (the export of 10M records).
// Internal to core/state.
#include <string>
#include <string_view>

namespace zra::state_json {

// Appends `text` as a JSON string literal (with quotes): escapes quotes, backslashes and control
// characters; bytes that are not valid UTF-8 become U+FFFD, so every line stays valid JSON.
void append_string(std::string& out, std::string_view text);

}  // namespace zra::state_json
