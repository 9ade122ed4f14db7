#include "reactor/LogLine.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <vector>

namespace chatd::reactor {
namespace {

// 2026-01-02T03:04:05.678Z
constexpr timespec kWallTime{.tv_sec = 1767323045, .tv_nsec = 678'000'000};

std::string line(const LogLineStyle& style, LogLevel level, std::string_view message,
                 std::vector<LogField> fields = {}, uint64_t suppressed = 0) {
  return formatLogLine(style, level, kWallTime, message, fields, suppressed);
}

TEST(LogLine, TextHasTimeLevelMessageAndFields) {
  EXPECT_EQ(line({}, LogLevel::kInfo, "request", {{"method", "GET"}, {"status", 200}, {"ms", uint64_t{12}}}),
            "2026-01-02T03:04:05.678Z info  request method=GET status=200 ms=12\n");
  EXPECT_EQ(line({}, LogLevel::kWarn, "refused", {{"user", "bob"}}), "2026-01-02T03:04:05.678Z warn  refused user=bob\n");
}

TEST(LogLine, TextQuotesValuesThatWouldSplitAField) {
  EXPECT_EQ(line({.journal = true}, LogLevel::kInfo, "m", {{"a", "two words"}, {"b", ""}, {"c", "x=y"}, {"d", "q\"uote"}}),
            "<6>m a=\"two words\" b=\"\" c=\"x=y\" d=\"q\\\"uote\"\n");
}

TEST(LogLine, TextEscapesControlCharactersSoALineStaysOneLine) {
  const std::string text = line({.journal = true}, LogLevel::kInfo, "evil\nforged", {{"path", "/a\nb\x01"}});
  EXPECT_EQ(text, "<6>evil\\nforged path=\"/a\\nb\\x01\"\n");
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

TEST(LogLine, JournalGetsThePriorityPrefixAndNoTimestamp) {
  const LogLineStyle journal{.journal = true};
  EXPECT_EQ(line(journal, LogLevel::kError, "e"), "<3>e\n");
  EXPECT_EQ(line(journal, LogLevel::kWarn, "w"), "<4>w\n");
  EXPECT_EQ(line(journal, LogLevel::kInfo, "i"), "<6>i\n");
  EXPECT_EQ(line(journal, LogLevel::kDebug, "d"), "<7>d\n");
  EXPECT_EQ(line({.format = LogFormat::kJson, .journal = true}, LogLevel::kWarn, "w").substr(0, 4), "<4>{");
}

TEST(LogLine, TagFollowsTheLevel) {
  EXPECT_EQ(line({.tag = "worker 2"}, LogLevel::kInfo, "started"), "2026-01-02T03:04:05.678Z info  worker 2: started\n");
}

TEST(LogLine, SuppressedCountIsReported) {
  EXPECT_EQ(line({.journal = true}, LogLevel::kWarn, "bad HTTP request", {{"status", 400}}, 312),
            "<4>bad HTTP request (and 312 more like it since the previous line) status=400\n");
}

TEST(LogLine, JsonIsOneParsableObjectWithEveryField) {
  const std::string text = line({.format = LogFormat::kJson, .tag = "worker 1"}, LogLevel::kInfo,
                                "quote\" back\\slash\nnewline\x01 \xff", {{"path", "/x?a=\"b\""}, {"status", -5}}, 7);
  ASSERT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text.substr(0, text.size() - 1)).get(doc), simdjson::SUCCESS) << text;
  EXPECT_EQ(std::string_view(doc["ts"]), "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(std::string_view(doc["level"]), "info");
  EXPECT_EQ(std::string_view(doc["process"]), "worker 1");
  EXPECT_EQ(std::string_view(doc["msg"]), "quote\" back\\slash\nnewline\x01 \xc3\xbf");  // a stray byte as U+00FF
  EXPECT_EQ(std::string_view(doc["path"]), "/x?a=\"b\"");
  EXPECT_EQ(int64_t(doc["status"]), -5);
  EXPECT_EQ(int64_t(doc["suppressed"]), 7);
}

TEST(LogLine, NamesParseBack) {
  for (const LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    LogLevel parsed;
    ASSERT_TRUE(parseLogLevel(logLevelName(level), parsed));
    EXPECT_EQ(parsed, level);
  }
  for (const LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
    LogFormat parsed;
    ASSERT_TRUE(parseLogFormat(logFormatName(format), parsed));
    EXPECT_EQ(parsed, format);
  }
  LogFormat format;
  EXPECT_FALSE(parseLogFormat("xml", format));
  LogLevel level;
  EXPECT_FALSE(parseLogLevel("verbose", level));
}

}  // namespace
}  // namespace chatd::reactor
