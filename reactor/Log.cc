#include "reactor/Log.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace chatd::reactor {

namespace {
LogLevel gLevel = LogLevel::kInfo;
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
char gTag[32] = "";  // with its separator, e.g. "worker 2: "
}  // namespace

void setLogLevel(LogLevel level) { gLevel = level; }

void setLogTag(const char* tag) { std::snprintf(gTag, sizeof gTag, *tag ? "%s: " : "%s", tag); }

bool logEnabled(LogLevel level) { return level >= gLevel; }

bool parseLogLevel(const char* name, LogLevel& out) {
  for (int i = 0; i < 4; ++i) {
    if (std::strcmp(name, kNames[i]) == 0) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

const char* logLevelName(LogLevel level) { return kNames[static_cast<int>(level)]; }

void logMessage(LogLevel level, const char* format, ...) {
  char line[1024];
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc;
  gmtime_r(&ts.tv_sec, &utc);
  int n = std::snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s", utc.tm_year + 1900,
                        utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ts.tv_nsec / 1000000,
                        logLevelName(level), gTag);
  va_list args;
  va_start(args, format);
  n += std::vsnprintf(line + n, sizeof line - static_cast<size_t>(n) - 1, format, args);
  va_end(args);
  if (n > static_cast<int>(sizeof line) - 2) n = sizeof line - 2;
  line[n++] = '\n';
  // One write per line keeps lines whole when several processes share stderr.
  std::fwrite(line, 1, static_cast<size_t>(n), stderr);
  std::fflush(stderr);
}

}  // namespace chatd::reactor
