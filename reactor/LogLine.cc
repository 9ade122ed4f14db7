#include "reactor/LogLine.h"

#include <cstdio>

namespace chatd::reactor {

namespace {

constexpr const char* kLevelNames[] = {"debug", "info", "warn", "error"};
// sd-daemon(3) priorities: SD_DEBUG, SD_INFO, SD_WARNING, SD_ERR.
constexpr const char* kJournalPrefixes[] = {"<7>", "<6>", "<4>", "<3>"};

bool isControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// The two-character escape of `c`, or empty when it has none.
std::string_view shortEscape(char c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return {};
  }
}

// Escapes what would break a line in two (or forge a second one) or end a
// quoted value: text writes other control bytes as \xNN; JSON as \u00NN,
// and bytes past ASCII too, so a line is valid JSON whatever bytes a client
// sent (UTF-8 text then shows as its bytes).
void appendEscaped(std::string& out, std::string_view text, LogFormat format) {
  const bool json = format == LogFormat::kJson;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (const std::string_view escape = shortEscape(ch); !escape.empty()) {
      out += escape;
    } else if (isControl(c) || (json && c >= 0x80)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, json ? "\\u%04x" : "\\x%02x", c);
      out += hex;
    } else {
      out += ch;
    }
  }
}

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  appendEscaped(out, text, LogFormat::kJson);
  out += '"';
}

bool needsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || isControl(c)) return true;
  }
  return false;
}

std::string timestamp(const timespec& wallTime) {
  tm utc;
  gmtime_r(&wallTime.tv_sec, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, wallTime.tv_nsec / 1000000);
  return text;
}

void appendText(std::string& line, const LogLineStyle& style, LogLevel level, const timespec& wallTime,
                std::string_view message, std::span<const LogField> fields, uint64_t suppressed) {
  if (!style.journal) {
    line += timestamp(wallTime);
    line += ' ';
    char padded[8];
    std::snprintf(padded, sizeof padded, "%-5s ", logLevelName(level));
    line += padded;
  }
  if (!style.tag.empty()) {
    line += style.tag;
    line += ": ";
  }
  appendEscaped(line, message, LogFormat::kText);
  if (suppressed > 0) line += " (and " + std::to_string(suppressed) + " more like it since the previous line)";
  for (const LogField& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    if (field.numeric) {
      line += std::to_string(field.number);
    } else if (needsQuotes(field.text)) {
      line += '"';
      appendEscaped(line, field.text, LogFormat::kText);
      line += '"';
    } else {
      line += field.text;
    }
  }
}

void appendJson(std::string& line, const LogLineStyle& style, LogLevel level, const timespec& wallTime,
                std::string_view message, std::span<const LogField> fields, uint64_t suppressed) {
  line += "{\"ts\":\"" + timestamp(wallTime) + "\",\"level\":\"" + logLevelName(level) + "\"";
  if (!style.tag.empty()) {
    line += ",\"process\":";
    appendJsonString(line, style.tag);
  }
  line += ",\"msg\":";
  appendJsonString(line, message);
  for (const LogField& field : fields) {
    line += ",\"";
    line += field.key;
    line += "\":";
    if (field.numeric) {
      line += std::to_string(field.number);
    } else {
      appendJsonString(line, field.text);
    }
  }
  if (suppressed > 0) line += ",\"suppressed\":" + std::to_string(suppressed);
  line += '}';
}

}  // namespace

bool parseLogLevel(std::string_view name, LogLevel& out) {
  for (int i = 0; i < 4; ++i) {
    if (name == kLevelNames[i]) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

const char* logLevelName(LogLevel level) { return kLevelNames[static_cast<int>(level)]; }

bool parseLogFormat(std::string_view name, LogFormat& out) {
  if (name == "text") {
    out = LogFormat::kText;
  } else if (name == "json") {
    out = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

const char* logFormatName(LogFormat format) { return format == LogFormat::kJson ? "json" : "text"; }

std::string formatLogLine(const LogLineStyle& style, LogLevel level, const timespec& wallTime, std::string_view message,
                          std::span<const LogField> fields, uint64_t suppressed) {
  std::string line;
  line.reserve(128 + message.size());
  // The prefix journald reads the priority from (and strips), in either format.
  if (style.journal) line += kJournalPrefixes[static_cast<int>(level)];
  if (style.format == LogFormat::kJson) {
    appendJson(line, style, level, wallTime, message, fields, suppressed);
  } else {
    appendText(line, style, level, wallTime, message, fields, suppressed);
  }
  line += '\n';
  return line;
}

}  // namespace chatd::reactor
