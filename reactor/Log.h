// Minimal leveled logging to stderr (journald adds its own timestamps when
// chatd runs under systemd; we add ours for terminals and files).
#pragma once

#include <cstdarg>

namespace chatd::reactor {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void setLogLevel(LogLevel level);
// A name put before every line of this process ("worker 2"), so that the lines
// of processes sharing stderr can be told apart; "" (the default) for none.
void setLogTag(const char* tag);
bool parseLogLevel(const char* name, LogLevel& out);
const char* logLevelName(LogLevel level);  // the name parseLogLevel takes
bool logEnabled(LogLevel level);
void logMessage(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace chatd::reactor

#define CHATD_LOG(level, ...)                                                   \
  do {                                                                          \
    if (::chatd::reactor::logEnabled(level)) ::chatd::reactor::logMessage(level, __VA_ARGS__); \
  } while (0)
#define LOG_DEBUG(...) CHATD_LOG(::chatd::reactor::LogLevel::kDebug, __VA_ARGS__)
#define LOG_INFO(...) CHATD_LOG(::chatd::reactor::LogLevel::kInfo, __VA_ARGS__)
#define LOG_WARN(...) CHATD_LOG(::chatd::reactor::LogLevel::kWarn, __VA_ARGS__)
#define LOG_ERROR(...) CHATD_LOG(::chatd::reactor::LogLevel::kError, __VA_ARGS__)
