#include "proto/JsonWriter.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

std::string jsonString(std::string_view value) {
  std::string out;
  appendJsonString(out, value);
  return out;
}

TEST(JsonWriter, Escapes) {
  struct Case {
    std::string input, expected;
  };
  const Case cases[] = {
      {"", R"("")"},
      {"plain text", R"("plain text")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"C:\\dir\\", R"("C:\\dir\\")"},
      {"\\\"", R"("\\\"")"},
      {"a\nb\rc\td\be\ff", R"("a\nb\rc\td\be\ff")"},
      {std::string("\0", 1), R"("\u0000")"},
      {"\x01\x07\x0b\x0e\x1a\x1f", R"("\u0001\u0007\u000b\u000e\u001a\u001f")"},
      {" ~\x7F", "\" ~\x7F\""},  // DEL is not a control character to JSON
      {"</script>", R"("</script>")"},
      {"'single'", R"("'single'")"},
      {"d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x98\x80", "\"d\xC3\xA9j\xC3\xA0 \xE2\x82\xAC \xF0\x9F\x98\x80\""},
  };
  for (const Case& c : cases) EXPECT_EQ(jsonString(c.input), c.expected);
}

// No byte below 0x20 survives raw; every other byte except '"' and '\' does.
TEST(JsonWriter, EveryByte) {
  for (int b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    const std::string out = jsonString(in);
    SCOPED_TRACE(b);
    ASSERT_GE(out.size(), 3u);
    EXPECT_EQ(out.front(), '"');
    EXPECT_EQ(out.back(), '"');
    const std::string inner = out.substr(1, out.size() - 2);
    if (b < 0x20 || b == '"' || b == '\\') {
      EXPECT_EQ(inner[0], '\\');
      for (char c : inner) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    } else {
      EXPECT_EQ(inner, in);
    }
  }
}

TEST(JsonWriter, Appends) {
  std::string out = "{\"k\":";
  appendJsonString(out, "v");
  out += ",\"n\":";
  appendJsonString(out, "\"");
  EXPECT_EQ(out, R"({"k":"v","n":"\"")");
}

}  // namespace
}  // namespace chatd::proto

namespace chatd::proto {
namespace {

TEST(JsonWriterBuilder, NestsObjectsAndArraysWithCommasInTheRightPlaces) {
  JsonWriter w;
  w.beginObject()
      .key("user").beginObject().key("id").value(int64_t{7}).key("name").value("a\"b").endObject()
      .key("tags").beginArray().value("x").value(int64_t{-1}).value(true).null().beginArray().endArray().endArray()
      .key("empty").beginObject().endObject()
      .key("raw").raw("[1,2]")
      .endObject();
  EXPECT_EQ(w.str(), R"({"user":{"id":7,"name":"a\"b"},"tags":["x",-1,true,null,[]],"empty":{},"raw":[1,2]})");
}

TEST(JsonWriterBuilder, TopLevelScalars) {
  EXPECT_EQ(JsonWriter().value("x").take(), "\"x\"");
  EXPECT_EQ(JsonWriter().value(int64_t{0}).take(), "0");
  EXPECT_EQ(JsonWriter().beginArray().endArray().take(), "[]");
}

}  // namespace
}  // namespace chatd::proto
