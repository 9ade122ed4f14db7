// Escaping for the JSON that chatd writes. Output is always valid JSON text:
// quotes, backslashes and control characters are escaped, other bytes pass
// through (callers hand in UTF-8 that was validated on the way in).
#pragma once

#include <string>
#include <string_view>

namespace chatd::proto {

// Appends `value` as a quoted JSON string to `out`.
void appendJsonString(std::string& out, std::string_view value);

}  // namespace chatd::proto
