// Leveled logging to stderr, one write per line: the process's settings
// (level, format, whether stderr is the journal, its tag) and the calls that
// log. How a line looks is reactor/LogLine.h's; what is worth a line, and at
// which level, is the caller's (docs/deployment.md, "Logs"):
//   error  an operator must act (a store that fails, a worker that crash-loops)
//   warn   degraded or refused (a dependency away, a client refused)
//   info   lifecycle, access lines and auth events
//   debug  detail for a developer
#pragma once

#include <cstdarg>
#include <initializer_list>

#include "reactor/LogLimiter.h"
#include "reactor/LogLine.h"

namespace chatd::reactor {

struct LogSettings {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
};

// Takes effect for the next line; callable at any time (a reload calls it).
// The first call also looks whether stderr is the journal ($JOURNAL_STREAM).
void configureLog(const LogSettings& settings);
// A name put before every line of this process ("worker 2"), so that the lines
// of processes sharing stderr can be told apart; "" (the default) for none.
void setLogTag(const char* tag);
bool logEnabled(LogLevel level);
void logMessage(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));
// A line with structured fields (key=value in text, members in JSON).
// `suppressed`: lines of its cause left out before it (LOG_EVENT_LIMITED).
void logEvent(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {},
              uint64_t suppressed = 0);

}  // namespace chatd::reactor

#define CHATD_LOG(level, ...)                                                   \
  do {                                                                          \
    if (::chatd::reactor::logEnabled(level)) ::chatd::reactor::logMessage(level, __VA_ARGS__); \
  } while (0)
#define LOG_DEBUG(...) CHATD_LOG(::chatd::reactor::LogLevel::kDebug, __VA_ARGS__)
#define LOG_INFO(...) CHATD_LOG(::chatd::reactor::LogLevel::kInfo, __VA_ARGS__)
#define LOG_WARN(...) CHATD_LOG(::chatd::reactor::LogLevel::kWarn, __VA_ARGS__)
#define LOG_ERROR(...) CHATD_LOG(::chatd::reactor::LogLevel::kError, __VA_ARGS__)

// A structured line; the fields are not even built when the level is off.
#define LOG_EVENT(level, message, ...)                                                               \
  do {                                                                                               \
    if (::chatd::reactor::logEnabled(level)) ::chatd::reactor::logEvent(level, message, {__VA_ARGS__}); \
  } while (0)
// The same for what a client can make happen at will (bad requests, refused
// upgrades): `limiter`, the cause's LogLimiter (a static, one per cause),
// lets one line a second through, which counts those it left out.
#define LOG_EVENT_LIMITED(limiter, level, message, ...)                                             \
  do {                                                                                              \
    if (!::chatd::reactor::logEnabled(level)) break;                                                \
    if (const auto leftOut = (limiter).admit(::chatd::reactor::LogLimiter::nowMs())) {              \
      ::chatd::reactor::logEvent(level, message, {__VA_ARGS__}, *leftOut);                          \
    }                                                                                               \
  } while (0)
