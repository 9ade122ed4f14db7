#include "chat/ChatFrames.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>

namespace chatd::chat {
namespace {

using simdjson::dom::element;

// Each frame parsed by a parser of its own, so elements stay valid for the test.
struct Parsed {
  simdjson::dom::parser parser;
  element root;
  explicit Parsed(const std::string& json) {
    const auto error = parser.parse(json).get(root);
    EXPECT_FALSE(error) << simdjson::error_message(error) << " in " << json;
  }
  element operator[](std::string_view key) const { return root[key].value(); }  // throws when missing
  bool has(std::string_view key) const { return !root[key].error(); }
};

std::string_view str(element e) { return e.get_string().value(); }
int64_t num(element e) { return e.get_int64().value(); }

store::Message sampleMessage() {
  store::Message m;
  m.id = 501;
  m.roomId = 7;
  m.seq = 42;
  m.senderId = 3;
  m.kind = "text";
  m.content = "hello";
  m.clientId = "c-9";
  m.createdAt = 1700000000123;
  m.senderUsername = "ann";
  m.senderNickname = "Annie";
  return m;
}

TEST(ChatFrames, MessageEvent) {
  const store::Message m = sampleMessage();
  Parsed p(messageEvent(m, userSummaryJson({3, "ann", "Annie"}), ""));
  EXPECT_EQ(str(p["type"]), "message");
  EXPECT_EQ(num(p["room_id"]), 7);
  EXPECT_FALSE(p.has("ref"));
  const element data = p["data"];
  EXPECT_EQ(num(data["id"].value()), 501);
  EXPECT_EQ(num(data["seq"].value()), 42);
  EXPECT_EQ(num(data["user_id"].value()), 3);
  EXPECT_EQ(num(data["user"]["id"].value()), 3);
  EXPECT_EQ(str(data["user"]["username"].value()), "ann");
  EXPECT_EQ(str(data["user"]["nickname"].value()), "Annie");
  EXPECT_EQ(str(data["kind"].value()), "text");
  EXPECT_EQ(str(data["content"].value()), "hello");
  EXPECT_EQ(str(data["client_id"].value()), "c-9");
  EXPECT_EQ(num(data["created_at"].value()), 1700000000123);
  EXPECT_TRUE(data["edited_at"].error());
  EXPECT_TRUE(data["deleted"].error());
  EXPECT_TRUE(data["reactions"].error());
}

TEST(ChatFrames, MessageDataNamesItsAuthorFromTheSenderFields) {
  store::Message m = sampleMessage();
  proto::JsonWriter w;
  writeMessageData(w, m, "");
  Parsed p(w.str());
  EXPECT_EQ(num(p["user"]["id"].value()), 3);
  EXPECT_EQ(str(p["user"]["username"].value()), "ann");
  EXPECT_EQ(str(p["user"]["nickname"].value()), "Annie");
  m.senderNickname.clear();
  proto::JsonWriter w2;
  writeMessageData(w2, m, "");
  Parsed q(w2.str());
  EXPECT_TRUE(q["user"]["nickname"].value().is_null());
}

TEST(ChatFrames, AUserWithAnAvatarCarriesItsUrlEverywhereAUserIsShown) {
  store::User ann{3, "ann", "Annie", 1700000000000};
  EXPECT_FALSE(Parsed(userJson(ann)).has("avatar_url"));
  EXPECT_FALSE(Parsed(userSummaryJson(ann)).has("avatar_url"));
  ann.avatarFileId = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(str(Parsed(userJson(ann))["avatar_url"]), "/avatars/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(str(Parsed(userSummaryJson(ann))["avatar_url"]), "/avatars/0123456789abcdef0123456789abcdef");

  store::Message m = sampleMessage();
  proto::JsonWriter plain;
  writeMessageData(plain, m, "");
  EXPECT_FALSE(Parsed(plain.str())["user"].get_object().value()["avatar_url"].error() == simdjson::SUCCESS);
  m.senderAvatarFileId = "fedcba9876543210fedcba9876543210";
  proto::JsonWriter pictured;
  writeMessageData(pictured, m, "");
  EXPECT_EQ(str(Parsed(pictured.str())["user"]["avatar_url"]), "/avatars/fedcba9876543210fedcba9876543210");
}

TEST(ChatFrames, NullNicknameAndNullClientId) {
  Parsed user(userSummaryJson({4, "bob", ""}));
  EXPECT_EQ(num(user["id"]), 4);
  EXPECT_EQ(str(user["username"]), "bob");
  EXPECT_TRUE(user["nickname"].is_null());

  store::Message m = sampleMessage();
  m.clientId.clear();
  Parsed event(messageEvent(m, userSummaryJson({3, "ann", ""}), ""));
  EXPECT_TRUE(event["data"]["client_id"].value().is_null());
  EXPECT_TRUE(event["data"]["user"]["nickname"].value().is_null());
  Parsed ack(ackMessage(m, "5"));
  EXPECT_TRUE(ack["client_id"].is_null());
}

TEST(ChatFrames, EditedDeletedAndReactionsOnlyWhenSet) {
  store::Message m = sampleMessage();
  m.editedAt = 1700000009999;
  m.deleted = true;
  m.content.clear();
  m.reactions = {{"\xF0\x9F\x91\x8D", 2}, {"x", 1}};
  Parsed p(messageEvent(m, userSummaryJson({3, "ann", "Annie"}), ""));
  const element data = p["data"];
  EXPECT_EQ(num(data["edited_at"].value()), 1700000009999);
  EXPECT_TRUE(data["deleted"].get_bool().value());
  EXPECT_EQ(str(data["content"].value()), "");
  simdjson::dom::array reactions = data["reactions"].get_array().value();
  ASSERT_EQ(reactions.size(), 2u);
  EXPECT_EQ(str(reactions.at(0)["emoji"].value()), "\xF0\x9F\x91\x8D");
  EXPECT_EQ(num(reactions.at(0)["count"].value()), 2);
  EXPECT_EQ(str(reactions.at(1)["emoji"].value()), "x");
  EXPECT_EQ(num(reactions.at(1)["count"].value()), 1);

  m = sampleMessage();
  m.editedAt = 5;
  Parsed edited(messageEvent(m, userSummaryJson({3, "ann", "Annie"}), ""));
  EXPECT_EQ(num(edited["data"]["edited_at"].value()), 5);
  EXPECT_TRUE(edited["data"]["deleted"].error());
  EXPECT_TRUE(edited["data"]["reactions"].error());
}

TEST(ChatFrames, ContentIsEscaped) {
  const std::string nasty = "say \"hi\" C:\\dir\\ \n\t\r\b\f" + std::string("\0\x01\x1f", 3) +
                            " </script><script>alert('x')</script> \xC3\xA9";
  store::Message m = sampleMessage();
  m.content = nasty;
  m.clientId = "id\"with\\quote";
  const std::string frame = messageEvent(m, userSummaryJson({3, "a\"n\\n", "<script>"}), "");
  for (const char c : frame) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte in " << frame;
  Parsed p(frame);
  EXPECT_EQ(str(p["data"]["content"].value()), nasty);
  EXPECT_EQ(str(p["data"]["client_id"].value()), "id\"with\\quote");
  EXPECT_EQ(str(p["data"]["user"]["username"].value()), "a\"n\\n");
  EXPECT_EQ(str(p["data"]["user"]["nickname"].value()), "<script>");
}

// What a store fills in (store/MessageAnnouncement.h) makes the very frame
// messageEvent() makes of the stored message, with or without a client id.
TEST(ChatFrames, AMessageEventAroundItsNumbersFilledInIsTheMessageEvent) {
  for (const char* clientId : {"c-9", ""}) {
    store::Message m = sampleMessage();
    m.clientId = clientId;
    m.content = "say \"hi\" \u00e9\n";
    store::Message draft = m;
    draft.id = draft.seq = draft.createdAt = 0;
    const std::string author = userSummaryJson({3, "ann", "Annie"});
    store::MessageAnnouncement announce;
    announce.around = messageEventAround(draft, author, "");
    EXPECT_EQ(announce.filledIn(m.id, m.seq, m.createdAt).payload, messageEvent(m, author, "")) << clientId;
  }
}

TEST(ChatFrames, Ack) {
  const store::Message m = sampleMessage();
  Parsed p(ackMessage(m, R"("r-1")"));
  EXPECT_EQ(str(p["type"]), "ack");
  EXPECT_EQ(str(p["client_id"]), "c-9");
  EXPECT_EQ(num(p["room_id"]), 7);
  EXPECT_EQ(num(p["id"]), 501);
  EXPECT_EQ(num(p["seq"]), 42);
  EXPECT_EQ(num(p["created_at"]), 1700000000123);
  EXPECT_EQ(str(p["ref"]), "r-1");

  Parsed integerRef(ackMessage(m, "17"));
  EXPECT_EQ(num(integerRef["ref"]), 17);
  Parsed noRef(ackMessage(m, ""));
  EXPECT_FALSE(noRef.has("ref"));
}

TEST(ChatFrames, Error) {
  Parsed p(errorMessage("bad_request", "unknown type \"x\\y\"", "12"));
  EXPECT_EQ(str(p["type"]), "error");
  EXPECT_EQ(str(p["code"]), "bad_request");
  EXPECT_EQ(str(p["message"]), "unknown type \"x\\y\"");
  EXPECT_EQ(num(p["ref"]), 12);
  Parsed noRef(errorMessage("rate_limited", "slow down", ""));
  EXPECT_EQ(str(noRef["code"]), "rate_limited");
  EXPECT_FALSE(noRef.has("ref"));
}

TEST(ChatFrames, ServerMessageWithFieldsAndRef) {
  ServerMessage pong("pong");
  pong.writer().key("server_time").value(int64_t{1234});
  Parsed p(pong.finish(R"("p")"));
  EXPECT_EQ(str(p["type"]), "pong");
  EXPECT_EQ(num(p["server_time"]), 1234);
  EXPECT_EQ(str(p["ref"]), "p");

  ServerMessage joined("joined", 9);
  joined.writer().key("last_seq").value(int64_t{0});
  Parsed q(joined.finish());
  EXPECT_EQ(str(q["type"]), "joined");
  EXPECT_EQ(num(q["room_id"]), 9);
  EXPECT_EQ(num(q["last_seq"]), 0);
  EXPECT_FALSE(q.has("ref"));

  ServerMessage bare("synced");
  EXPECT_EQ(bare.finish(), R"({"type":"synced"})");
}

}  // namespace
}  // namespace chatd::chat
