#include "proto/JsonFields.h"

#include <gtest/gtest.h>

namespace chatd::proto {
namespace {

using Type = JsonFields::Type;

TEST(JsonFields, ReadsTopLevelScalarsByType) {
  std::string error;
  const auto fields = JsonFields::parse(
      R"({"name":"ann","id":42,"ratio":1.5,"on":true,"off":false,"none":null,"obj":{"a":1},"list":[1,2],"big":18446744073709551615})",
      error);
  ASSERT_TRUE(fields) << error;
  EXPECT_EQ(fields->string("name"), "ann");
  EXPECT_EQ(fields->integer("id"), 42);
  EXPECT_EQ(fields->typeOf("ratio"), Type::kNumber);
  EXPECT_EQ(fields->boolean("on"), true);
  EXPECT_EQ(fields->boolean("off"), false);
  EXPECT_EQ(fields->typeOf("none"), Type::kNull);
  EXPECT_EQ(fields->typeOf("obj"), Type::kObject);
  EXPECT_EQ(fields->typeOf("list"), Type::kArray);
  EXPECT_EQ(fields->typeOf("big"), Type::kNumber);  // beyond int64: not an integer we can use
  EXPECT_FALSE(fields->has("missing"));
  EXPECT_EQ(fields->typeOf("missing"), std::nullopt);
}

TEST(JsonFields, AFieldOfAnotherTypeIsNotReturned) {
  std::string error;
  const auto fields = JsonFields::parse(R"({"id":"42","name":7})", error);
  ASSERT_TRUE(fields) << error;
  EXPECT_EQ(fields->integer("id"), std::nullopt);
  EXPECT_EQ(fields->string("name"), std::nullopt);
  EXPECT_TRUE(fields->has("id"));
}

TEST(JsonFields, StringsAreUnescapedUtf8) {
  std::string error;
  const auto fields = JsonFields::parse(R"({"s":"a\"b\\c\n\u00e9\ud83d\ude00"})", error);
  ASSERT_TRUE(fields) << error;
  EXPECT_EQ(fields->string("s"), "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(JsonFields, RejectsWhatIsNotOneObject) {
  for (const char* body : {"", "[]", "\"x\"", "42", "{", R"({"a":1,})", R"({"a":1} {"b":2})", "{'a':1}",
                           "{\"a\":\"\xFF\"}", "nul"}) {
    std::string error;
    EXPECT_FALSE(JsonFields::parse(body, error)) << body;
    EXPECT_FALSE(error.empty()) << body;
  }
}

TEST(JsonFields, TheLastOfARepeatedKeyWins) {
  std::string error;
  const auto fields = JsonFields::parse(R"({"a":1,"a":2})", error);
  ASSERT_TRUE(fields) << error;
  EXPECT_EQ(fields->integer("a"), 2);
}

}  // namespace
}  // namespace chatd::proto
