// A string as a quoted JSON string: the one escaping rule of chatd's JSON,
// for the protocol (proto/JsonWriter.h) and the log (reactor/LogLine.h)
// alike. Here, below both, because the log is written from reactor/.
#pragma once

#include <string>
#include <string_view>

namespace chatd::reactor {

enum class JsonBytes {
  kUtf8,   // bytes past ASCII pass through: the caller hands in validated UTF-8
  kAscii,  // ... are written as \u00XX, so any bytes make valid JSON (text a client sent)
};

// Appends `value` to `out`, quoted; quotes, backslashes and control characters escaped.
void appendJsonString(std::string& out, std::string_view value, JsonBytes bytes = JsonBytes::kUtf8);

}  // namespace chatd::reactor
