#include "reactor/Log.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace chatd::reactor {

namespace {

LogSettings gSettings;
char gTag[32] = "";
bool gJournalChecked = false;
bool gJournal = false;

// systemd sets $JOURNAL_STREAM to "DEVICE:INODE" of the stream it connected
// to stderr; stderr redirected since (a pipe, a file) no longer matches.
bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st;
  if (!stream || fstat(2, &st) != 0) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == st.st_dev && inode == st.st_ino;
}

void writeLine(const std::string& line) {
  // One write per line keeps lines whole when several processes share stderr.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void configureLog(const LogSettings& settings) {
  gSettings = settings;
  if (!gJournalChecked) {
    gJournalChecked = true;
    gJournal = stderrIsJournal();
  }
}

void setLogTag(const char* tag) { std::snprintf(gTag, sizeof gTag, "%s", tag); }

bool logEnabled(LogLevel level) { return level >= gSettings.level; }

void logEvent(LogLevel level, std::string_view message, std::initializer_list<LogField> fields, uint64_t suppressed) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const LogLineStyle style{.format = gSettings.format, .journal = gJournal, .tag = gTag};
  writeLine(formatLogLine(style, level, now, message, std::span<const LogField>(fields.begin(), fields.size()),
                          suppressed));
}

void logMessage(LogLevel level, const char* format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof message, format, args);
  va_end(args);
  logEvent(level, message);
}

}  // namespace chatd::reactor
