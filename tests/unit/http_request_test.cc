#include "proto/HttpRequest.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace chatd::proto {
namespace {

HttpRequest withTarget(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

TEST(HttpRequest, PathAndQuery) {
  struct Case {
    std::string target, path, query;
  };
  const Case cases[] = {
      {"/", "/", ""},
      {"/rooms/42", "/rooms/42", ""},
      {"/rooms/42?since=7&limit=50", "/rooms/42", "since=7&limit=50"},
      {"/a?", "/a", ""},
      {"/a?b?c", "/a", "b?c"},
      {"/?x=1", "/", "x=1"},
  };
  for (const Case& c : cases) {
    const HttpRequest r = withTarget(c.target);
    EXPECT_EQ(r.path(), c.path) << c.target;
    EXPECT_EQ(r.query(), c.query) << c.target;
  }
}

TEST(HttpRequest, QueryParam) {
  struct Case {
    std::string target, name;
    std::optional<std::string> value;
  };
  const Case cases[] = {
      {"/?a=1&b=2", "a", "1"},
      {"/?a=1&b=2", "b", "2"},
      {"/?a=1&b=2", "c", std::nullopt},
      {"/", "a", std::nullopt},
      {"/?", "a", std::nullopt},
      {"/?name=hello+world", "name", "hello world"},
      {"/?name=%48%65%6c%6C%6f", "name", "Hello"},
      {"/?q=a%2Bb%20c%26d%3De", "q", "a+b c&d=e"},
      {"/?q=%C3%A9t%C3%A9", "q", "\xC3\xA9t\xC3\xA9"},
      {"/?q=%00x", "q", std::string("\0x", 2)},
      {"/?q=100%", "q", "100%"},      // a cut-off escape stays as it is
      {"/?q=%4", "q", "%4"},
      {"/?q=%zz%4g", "q", "%zz%4g"},  // so does a non-hex one
      {"/?q=%%41", "q", "%A"},
      {"/?flag&a=1", "flag", ""},  // present without a value
      {"/?flag=&a=1", "flag", ""},
      {"/?a=1&a=2", "a", "1"},     // the first one wins
      {"/?ab=1&a=2", "a", "2"},    // names match whole
      {"/?a=1", "ab", std::nullopt},
      {"/?&&a=1&", "a", "1"},
      {"/?x=a=b", "x", "a=b"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(withTarget(c.target).queryParam(c.name), c.value) << c.target << " [" << c.name << "]";
  }
}

TEST(HttpRequest, Header) {
  HttpRequest r;
  r.headers = {{"host", "a"}, {"x-dup", "first"}, {"x-dup", "second"}, {"x-empty", ""}};
  EXPECT_EQ(r.header("host"), "a");
  EXPECT_EQ(r.header("x-dup"), "first");
  EXPECT_EQ(r.header("x-empty"), "");
  EXPECT_EQ(r.header("missing"), std::nullopt);
  EXPECT_EQ(r.header("hos"), std::nullopt);
}

TEST(HttpRequest, HeaderHasToken) {
  HttpRequest r;
  r.headers = {{"connection", "keep-alive, Upgrade"},
               {"upgrade", "WebSocket"},
               {"x-list", "a,b"},
               {"x-list", " c ,\td "},
               {"x-word", "upgrades, grade"}};
  EXPECT_TRUE(r.headerHasToken("connection", "upgrade"));
  EXPECT_TRUE(r.headerHasToken("connection", "KEEP-ALIVE"));
  EXPECT_TRUE(r.headerHasToken("upgrade", "websocket"));
  EXPECT_TRUE(r.headerHasToken("x-list", "b"));
  EXPECT_TRUE(r.headerHasToken("x-list", "d")) << "every line of a repeated header";
  EXPECT_FALSE(r.headerHasToken("x-word", "upgrade")) << "whole tokens, not substrings";
  EXPECT_FALSE(r.headerHasToken("x-word", "grades"));
  EXPECT_FALSE(r.headerHasToken("connection", "websocket")) << "only the named header";
  EXPECT_FALSE(r.headerHasToken("missing", "a"));
}

TEST(HttpRequest, SplitHeaderList) {
  using List = std::vector<std::string_view>;
  EXPECT_EQ(splitHeaderList(""), List{});
  EXPECT_EQ(splitHeaderList("a"), List{"a"});
  EXPECT_EQ(splitHeaderList("a,b"), (List{"a", "b"}));
  EXPECT_EQ(splitHeaderList(" a , b,,c ,\t"), (List{"a", "b", "c"}));
  EXPECT_EQ(splitHeaderList(", ,\t,"), List{});
  EXPECT_EQ(splitHeaderList("chat.v1, chat.v2"), (List{"chat.v1", "chat.v2"}));
  EXPECT_EQ(splitHeaderList("a b, c"), (List{"a b", "c"}));
}

TEST(HttpRequest, MediaTypeOf) {
  EXPECT_EQ(mediaTypeOf("application/json"), "application/json");
  EXPECT_EQ(mediaTypeOf(" application/json ; charset=utf-8"), "application/json");
  EXPECT_EQ(mediaTypeOf("text/plain; x=application/json"), "text/plain");
  EXPECT_EQ(mediaTypeOf(""), "");
}

TEST(HttpRequest, HeaderCount) {
  HttpRequest r;
  r.headers = {{"host", "a"}, {"x", "1"}, {"host", "b"}};
  EXPECT_EQ(r.headerCount("host"), 2u);
  EXPECT_EQ(r.headerCount("x"), 1u);
  EXPECT_EQ(r.headerCount("y"), 0u);
}

TEST(HttpRequest, TrimAndCompare) {
  EXPECT_EQ(trimWhitespace(" \t x y \t "), "x y");
  EXPECT_EQ(trimWhitespace(" \t "), "");
  EXPECT_EQ(trimWhitespace(""), "");
  EXPECT_EQ(trimWhitespace("\r\nx\r\n"), "\r\nx\r\n") << "only spaces and tabs";
  EXPECT_TRUE(equalsIgnoreCase("WebSocket", "websocket"));
  EXPECT_TRUE(equalsIgnoreCase("", ""));
  EXPECT_FALSE(equalsIgnoreCase("websocket", "websockets"));
  EXPECT_FALSE(equalsIgnoreCase("a", "b"));
  EXPECT_FALSE(equalsIgnoreCase("@", "`")) << "only letters fold";
  EXPECT_FALSE(equalsIgnoreCase("[", "{"));
}

}  // namespace
}  // namespace chatd::proto
