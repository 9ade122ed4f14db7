// How one log line is written, as a pure function of its parts: text for
// terminals and files ("TIME LEVEL msg key=value ..."), or one JSON object per
// line ({"ts","level","msg", fields...}); under journald, prefixed with the
// sd-daemon priority ("<6>") and, in text, without our timestamp (journald
// adds its own). Owns nothing; reactor/Log.h holds the process's settings
// and writes the lines.
#pragma once

#include <concepts>
#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <string_view>

namespace chatd::reactor {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kText, kJson };

bool parseLogLevel(std::string_view name, LogLevel& out);
const char* logLevelName(LogLevel level);  // the name parseLogLevel takes
bool parseLogFormat(std::string_view name, LogFormat& out);
const char* logFormatName(LogFormat format);  // the name parseLogFormat takes

// One structured value of a line: text or a whole number. Borrows its text.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), text(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), text(v) {}
  LogField(std::string_view k, const char* v) : key(k), text(v) {}
  template <std::integral N>
  LogField(std::string_view k, N n) : key(k), number(static_cast<int64_t>(n)), numeric(true) {}

  std::string_view key;  // a plain identifier: written unquoted and unescaped
  std::string_view text;
  int64_t number = 0;
  bool numeric = false;
};

struct LogLineStyle {
  LogFormat format = LogFormat::kText;
  bool journal = false;   // stderr is the journal
  std::string_view tag = {};  // the process's name among several ("worker 2"); empty for none
};

// The line, '\n' included. `suppressed`: lines of the same cause left out
// since the previous one (LogLimiter); 0 for none.
std::string formatLogLine(const LogLineStyle& style, LogLevel level, const timespec& wallTime, std::string_view message,
                          std::span<const LogField> fields, uint64_t suppressed = 0);

}  // namespace chatd::reactor
