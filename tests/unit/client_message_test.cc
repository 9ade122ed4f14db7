#include "chat/ClientMessage.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace chatd::chat {
namespace {

ClientMessage parseOk(std::string_view text) {
  ParsedClientMessage parsed = parseClientMessage(text);
  EXPECT_FALSE(parsed.error) << text << ": " << parsed.error->message;
  EXPECT_TRUE(parsed.message) << text;
  return parsed.message.value_or(ClientMessage{});
}

ClientMessageError parseError(std::string_view text) {
  ParsedClientMessage parsed = parseClientMessage(text);
  EXPECT_FALSE(parsed.message) << text;
  EXPECT_TRUE(parsed.error) << text;
  return parsed.error.value_or(ClientMessageError{});
}

// --- every type with its fields ----------------------------------------------------

TEST(ClientMessage, Auth) {
  const ClientMessage m = parseOk(R"({"type":"auth","token":"eyJ.abc.def"})");
  EXPECT_EQ(m.type, ClientType::kAuth);
  EXPECT_EQ(m.token, "eyJ.abc.def");
  EXPECT_EQ(m.ref, "");
}

TEST(ClientMessage, JoinRoomWithAndWithoutSince) {
  ClientMessage m = parseOk(R"({"type":"join_room","room_id":7,"since":41})");
  EXPECT_EQ(m.type, ClientType::kJoinRoom);
  EXPECT_EQ(m.roomId, 7);
  EXPECT_EQ(m.since, 41);
  EXPECT_EQ(parseOk(R"({"type":"join_room","room_id":7})").since, std::nullopt);
  EXPECT_EQ(parseOk(R"({"type":"join_room","room_id":7,"since":null})").since, std::nullopt);
  EXPECT_EQ(parseOk(R"({"type":"join_room","room_id":7,"since":0})").since, 0);
}

TEST(ClientMessage, LeaveRoom) {
  const ClientMessage m = parseOk(R"({"type":"leave_room","room_id":3})");
  EXPECT_EQ(m.type, ClientType::kLeaveRoom);
  EXPECT_EQ(m.roomId, 3);
}

TEST(ClientMessage, MessageToARoom) {
  const ClientMessage m = parseOk(R"({"type":"message","room_id":1,"content":"hi there","client_id":"c-1"})");
  EXPECT_EQ(m.type, ClientType::kMessage);
  EXPECT_EQ(m.roomId, 1);
  EXPECT_EQ(m.toUserId, 0);
  EXPECT_EQ(m.content, "hi there");
  EXPECT_EQ(m.clientId, "c-1");
  EXPECT_EQ(parseOk(R"({"type":"message","room_id":1,"content":"x"})").clientId, "");
}

TEST(ClientMessage, DirectMessage) {
  const ClientMessage m = parseOk(R"({"type":"message","to_user_id":9,"content":"psst"})");
  EXPECT_EQ(m.toUserId, 9);
  EXPECT_EQ(m.roomId, 0);
  EXPECT_EQ(m.content, "psst");
}

TEST(ClientMessage, Typing) {
  EXPECT_TRUE(parseOk(R"({"type":"typing","room_id":2})").typing);
  EXPECT_TRUE(parseOk(R"({"type":"typing","room_id":2,"typing":true})").typing);
  const ClientMessage m = parseOk(R"({"type":"typing","room_id":2,"typing":false})");
  EXPECT_EQ(m.type, ClientType::kTyping);
  EXPECT_EQ(m.roomId, 2);
  EXPECT_FALSE(m.typing);
}

TEST(ClientMessage, Read) {
  const ClientMessage m = parseOk(R"({"type":"read","room_id":2,"seq":17})");
  EXPECT_EQ(m.type, ClientType::kRead);
  EXPECT_EQ(m.roomId, 2);
  EXPECT_EQ(m.seq, 17);
  EXPECT_EQ(parseOk(R"({"type":"read","room_id":2,"seq":0})").seq, 0);
}

TEST(ClientMessage, History) {
  ClientMessage m = parseOk(R"({"type":"history","room_id":4})");
  EXPECT_EQ(m.type, ClientType::kHistory);
  EXPECT_EQ(m.roomId, 4);
  EXPECT_EQ(m.before, std::nullopt);
  EXPECT_EQ(m.after, std::nullopt);
  EXPECT_EQ(m.limit, kDefaultHistoryPage);
  m = parseOk(R"({"type":"history","room_id":4,"before":90,"limit":20})");
  EXPECT_EQ(m.before, 90);
  EXPECT_EQ(m.after, std::nullopt);
  EXPECT_EQ(m.limit, 20);
  m = parseOk(R"({"type":"history","room_id":4,"after":0})");
  EXPECT_EQ(m.after, 0);
  EXPECT_EQ(m.before, std::nullopt);
}

TEST(ClientMessage, EditDeleteReact) {
  ClientMessage m = parseOk(R"({"type":"edit","room_id":1,"id":55,"content":"fixed"})");
  EXPECT_EQ(m.type, ClientType::kEdit);
  EXPECT_EQ(m.roomId, 1);
  EXPECT_EQ(m.messageId, 55);
  EXPECT_EQ(m.content, "fixed");
  m = parseOk(R"({"type":"delete","room_id":1,"id":56})");
  EXPECT_EQ(m.type, ClientType::kDelete);
  EXPECT_EQ(m.messageId, 56);
  m = parseOk(R"({"type":"react","room_id":1,"id":57,"emoji":"\ud83d\udc4d"})");
  EXPECT_EQ(m.type, ClientType::kReact);
  EXPECT_EQ(m.messageId, 57);
  EXPECT_EQ(m.emoji, "\xF0\x9F\x91\x8D");
}

TEST(ClientMessage, SyncRoomsAreSortedByRoomId) {
  const ClientMessage m = parseOk(R"({"type":"sync","rooms":{"7":12,"1":41,"30":0,"4":3}})");
  EXPECT_EQ(m.type, ClientType::kSync);
  const std::vector<std::pair<int64_t, int64_t>> expected{{1, 41}, {4, 3}, {7, 12}, {30, 0}};
  EXPECT_EQ(m.syncRooms, expected);
  EXPECT_TRUE(parseOk(R"({"type":"sync","rooms":{}})").syncRooms.empty());
}

TEST(ClientMessage, Ping) {
  EXPECT_EQ(parseOk(R"({"type":"ping"})").type, ClientType::kPing);
}

TEST(ClientMessage, UnknownFieldsAreIgnored) {
  const ClientMessage m = parseOk(R"({"type":"leave_room","room_id":3,"extra":[1,2],"more":{"a":1}})");
  EXPECT_EQ(m.roomId, 3);
}

// --- ref ---------------------------------------------------------------------------

TEST(ClientMessage, RefIsKeptAsJsonText) {
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":"abc"})").ref, R"("abc")");
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":42})").ref, "42");
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":-7})").ref, "-7");
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":0})").ref, "0");
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":""})").ref, R"("")");
  // Re-escaped, so that the echo is valid JSON.
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":"a\"b\\c\n"})").ref, R"("a\"b\\c\n")");
}

TEST(ClientMessage, RefOfAnotherTypeIsRefused) {
  for (const char* ref : {R"({"a":1})", "1.5", "true", "false", "null", "[1]", "1e3", "18446744073709551615"}) {
    const std::string text = std::string(R"({"type":"ping","ref":)") + ref + "}";
    const ClientMessageError e = parseError(text);
    EXPECT_NE(e.message.find("ref"), std::string::npos) << text << ": " << e.message;
    EXPECT_EQ(e.ref, "") << text;
  }
}

TEST(ClientMessage, OverlongRefIsRefused) {
  EXPECT_EQ(parseOk(R"({"type":"ping","ref":")" + std::string(128, 'r') + "\"}").ref.size(), 130u);
  const ClientMessageError e = parseError(R"({"type":"ping","ref":")" + std::string(129, 'r') + "\"}");
  EXPECT_NE(e.message.find("ref"), std::string::npos) << e.message;
  EXPECT_EQ(e.ref, "");
}

// --- bad fields: bad_request naming the field, ref kept ------------------------------

TEST(ClientMessage, MissingOrInvalidFieldsNameTheFieldAndKeepTheRef) {
  struct Case {
    const char* body;  // the message without its closing brace; a ref is added
    const char* field;
  };
  const Case cases[] = {
      {R"({"type":"auth")", "token"},
      {R"({"type":"auth","token":"")", "token"},
      {R"({"type":"auth","token":5)", "token"},
      {R"({"type":"join_room")", "room_id"},
      {R"({"type":"join_room","room_id":0)", "room_id"},
      {R"({"type":"join_room","room_id":-3)", "room_id"},
      {R"({"type":"join_room","room_id":"1")", "room_id"},
      {R"({"type":"join_room","room_id":1.5)", "room_id"},
      {R"({"type":"join_room","room_id":1,"since":-1)", "since"},
      {R"({"type":"join_room","room_id":1,"since":"4")", "since"},
      {R"({"type":"leave_room","room_id":null)", "room_id"},
      {R"({"type":"message","content":"hi")", "room_id"},
      {R"({"type":"message","room_id":1)", "content"},
      {R"({"type":"message","room_id":1,"content":7)", "content"},
      {R"({"type":"message","to_user_id":0,"content":"hi")", "to_user_id"},
      {R"({"type":"message","room_id":1,"content":"hi","client_id":3)", "client_id"},
      {R"({"type":"message","room_id":1,"content":"hi","client_id":"")", "client_id"},
      {R"({"type":"typing")", "room_id"},
      {R"({"type":"typing","room_id":1,"typing":"no")", "typing"},
      {R"({"type":"typing","room_id":1,"typing":0)", "typing"},
      {R"({"type":"read","room_id":1)", "seq"},
      {R"({"type":"read","room_id":1,"seq":-1)", "seq"},
      {R"({"type":"read","seq":3)", "room_id"},
      {R"({"type":"history")", "room_id"},
      {R"({"type":"history","room_id":1,"before":-1)", "before"},
      {R"({"type":"history","room_id":1,"after":"x")", "after"},
      {R"({"type":"history","room_id":1,"limit":-5)", "limit"},
      {R"({"type":"history","room_id":1,"limit":"10")", "limit"},
      {R"({"type":"edit","room_id":1,"content":"x")", "id"},
      {R"({"type":"edit","room_id":1,"id":2)", "content"},
      {R"({"type":"edit","id":2,"content":"x")", "room_id"},
      {R"({"type":"delete","room_id":1)", "id"},
      {R"({"type":"delete","room_id":1,"id":0)", "id"},
      {R"({"type":"react","room_id":1,"id":2)", "emoji"},
      {R"({"type":"react","room_id":1,"id":2,"emoji":"")", "emoji"},
      {R"({"type":"react","room_id":1,"emoji":"x")", "id"},
      {R"({"type":"sync")", "rooms"},
      {R"({"type":"sync","rooms":[1,2])", "rooms"},
      {R"({"type":"sync","rooms":"1:2")", "rooms"},
  };
  for (const Case& c : cases) {
    for (const char* ref : {R"("r-1")", "99"}) {
      const std::string text = std::string(c.body) + R"(,"ref":)" + ref + "}";
      const ClientMessageError e = parseError(text);
      EXPECT_NE(e.message.find(c.field), std::string::npos) << text << " -> " << e.message;
      EXPECT_EQ(e.ref, ref) << text;
    }
  }
}

TEST(ClientMessage, WithoutARefTheErrorHasNone) {
  EXPECT_EQ(parseError(R"({"type":"join_room"})").ref, "");
}

TEST(ClientMessage, UnknownOrMissingType) {
  ClientMessageError e = parseError(R"({"type":"shout","ref":"x"})");
  EXPECT_EQ(e.message, R"(unknown type "shout")");
  EXPECT_EQ(e.ref, R"("x")");
  e = parseError(R"({"type":")" + std::string(40, 'z') + R"(","ref":1})");
  EXPECT_EQ(e.message, "unknown type");  // a long name is not echoed
  EXPECT_EQ(e.ref, "1");
  for (const char* text : {R"({"ref":2})", R"({"type":5,"ref":2})", R"({"type":null,"ref":2})", R"({"type":"PING","ref":2})"}) {
    e = parseError(text);
    EXPECT_NE(e.message.find("type"), std::string::npos) << text << ": " << e.message;
    EXPECT_EQ(e.ref, "2") << text;
  }
}

TEST(ClientMessage, NotAnObject) {
  for (const char* text : {"[]", R"([{"type":"ping"}])", "42", R"("ping")", "null", "true"}) {
    const ClientMessageError e = parseError(text);
    EXPECT_FALSE(e.message.empty()) << text;
    EXPECT_EQ(e.ref, "") << text;
  }
}

TEST(ClientMessage, MalformedJson) {
  for (const char* text : {"", "{", R"({"type":"ping")", R"({"type":"ping",})", "{'type':'ping'}",
                           R"({"type":"ping"} {"type":"ping"})", "{\"type\":\"p\xFFng\"}", "not json"}) {
    const ClientMessageError e = parseError(text);
    EXPECT_FALSE(e.message.empty()) << text;
    EXPECT_EQ(e.ref, "") << text;
  }
  EXPECT_NE(parseError("{").message.find("malformed JSON"), std::string::npos);
}

// --- rules across fields ------------------------------------------------------------

TEST(ClientMessage, MessageWithBothRoomAndUserIsRefused) {
  const ClientMessageError e = parseError(R"({"type":"message","room_id":1,"to_user_id":2,"content":"x","ref":3})");
  EXPECT_NE(e.message.find("room_id"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("to_user_id"), std::string::npos) << e.message;
  EXPECT_EQ(e.ref, "3");
}

TEST(ClientMessage, HistoryWithBeforeAndAfterIsRefused) {
  const ClientMessageError e = parseError(R"({"type":"history","room_id":1,"before":9,"after":2,"ref":"h"})");
  EXPECT_NE(e.message.find("before"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("after"), std::string::npos) << e.message;
  EXPECT_EQ(e.ref, R"("h")");
}

TEST(ClientMessage, HistoryLimitIsClampedTo1Through100) {
  auto limitOf = [](const std::string& limit) {
    return parseOk(R"({"type":"history","room_id":1,"limit":)" + limit + "}").limit;
  };
  EXPECT_EQ(limitOf("0"), 1);
  EXPECT_EQ(limitOf("1"), 1);
  EXPECT_EQ(limitOf("37"), 37);
  EXPECT_EQ(limitOf("100"), kMaxHistoryPage);
  EXPECT_EQ(limitOf("101"), kMaxHistoryPage);
  EXPECT_EQ(limitOf("9223372036854775807"), kMaxHistoryPage);
  EXPECT_EQ(limitOf("null"), kDefaultHistoryPage);
}

TEST(ClientMessage, SyncRejectsBadKeysAndValues) {
  for (const char* rooms : {R"({"abc":1})", R"({"0":1})", R"({"-1":1})", R"({"1.5":1})", R"({"":1})",
                            R"({" 1":1})", R"({"1x":1})", R"({"99999999999999999999":1})", R"({"1":-1})",
                            R"({"1":"5"})", R"({"1":1.5})", R"({"1":null})", R"({"1":{}})", R"({"1":2,"x":3})",
                            R"({"01":1})", R"({"1":5,"01":6})"}) {  // a room named twice
    const std::string text = std::string(R"({"type":"sync","ref":"s","rooms":)") + rooms + "}";
    const ClientMessageError e = parseError(text);
    EXPECT_NE(e.message.find("rooms"), std::string::npos) << text << ": " << e.message;
    EXPECT_EQ(e.ref, R"("s")") << text;
  }
}

std::string syncOf(int rooms) {
  std::string text = R"({"type":"sync","rooms":{)";
  for (int i = 1; i <= rooms; ++i) {
    if (i > 1) text += ',';
    text += '"' + std::to_string(i) + "\":" + std::to_string(i * 2);
  }
  return text + "}}";
}

TEST(ClientMessage, SyncTakesAtMost1000Rooms) {
  const ClientMessage m = parseOk(syncOf(static_cast<int>(kMaxSyncRooms)));
  ASSERT_EQ(m.syncRooms.size(), kMaxSyncRooms);
  EXPECT_EQ(m.syncRooms.front(), std::make_pair(int64_t{1}, int64_t{2}));
  EXPECT_EQ(m.syncRooms.back(), std::make_pair(int64_t{1000}, int64_t{2000}));
  const ClientMessageError e = parseError(syncOf(static_cast<int>(kMaxSyncRooms) + 1));
  EXPECT_NE(e.message.find("1000"), std::string::npos) << e.message;
}

// --- sizes --------------------------------------------------------------------------

TEST(ClientMessage, ClientIdOf64BytesAtMost) {
  const auto withClientId = [](size_t bytes) {
    return R"({"type":"message","room_id":1,"content":"x","client_id":")" + std::string(bytes, 'c') + R"(","ref":1})";
  };
  EXPECT_EQ(parseOk(withClientId(kMaxClientIdBytes)).clientId.size(), kMaxClientIdBytes);
  const ClientMessageError e = parseError(withClientId(kMaxClientIdBytes + 1));
  EXPECT_NE(e.message.find("client_id"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("64"), std::string::npos) << e.message;
  EXPECT_EQ(e.ref, "1");
}

TEST(ClientMessage, EmojiOf32BytesAtMost) {
  const auto withEmoji = [](const std::string& emoji) {
    return R"({"type":"react","room_id":1,"id":2,"emoji":")" + emoji + R"("})";
  };
  const std::string thumbs = "\xF0\x9F\x91\x8D";  // 4 bytes
  std::string eight;
  for (int i = 0; i < 8; ++i) eight += thumbs;
  EXPECT_EQ(parseOk(withEmoji(eight)).emoji, eight);
  const ClientMessageError e = parseError(withEmoji(eight + "!"));
  EXPECT_NE(e.message.find("emoji"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("32"), std::string::npos) << e.message;
}

TEST(ClientMessage, EmptyContentIsRefused) {
  for (const char* text : {R"({"type":"message","room_id":1,"content":""})",
                           R"({"type":"edit","room_id":1,"id":2,"content":""})"}) {
    const ClientMessageError e = parseError(text);
    EXPECT_NE(e.message.find("content"), std::string::npos) << text << ": " << e.message;
  }
}

TEST(ClientMessage, ContentSizeIsNotThisParsersToLimit) {
  const std::string big(100000, 'a');
  EXPECT_EQ(parseOk(R"({"type":"message","room_id":1,"content":")" + big + "\"}").content, big);
}

// --- call signalling -------------------------------------------------------------

const std::string kCallId(kCallIdBytes, 'c');

TEST(ClientMessage, CallInviteIsAudioUnlessVideoIsAsked) {
  ClientMessage m = parseOk(R"({"type":"call_invite","room_id":4})");
  EXPECT_EQ(m.type, ClientType::kCallInvite);
  EXPECT_EQ(m.roomId, 4);
  EXPECT_FALSE(m.video);
  EXPECT_TRUE(parseOk(R"({"type":"call_invite","room_id":4,"media":"video"})").video);
  EXPECT_NE(parseError(R"({"type":"call_invite","room_id":4,"media":"hologram"})").message.find("media"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"type":"call_invite"})").message.find("room_id"), std::string::npos);
}

TEST(ClientMessage, CallSignalsCarryTheServersCallIdAndTheirPayload) {
  EXPECT_EQ(parseOk(R"({"type":"call_accept","call_id":")" + kCallId + "\"}").callId, kCallId);
  EXPECT_EQ(parseOk(R"({"type":"call_reject","call_id":")" + kCallId + "\"}").type, ClientType::kCallReject);
  EXPECT_EQ(parseOk(R"({"type":"call_hangup","call_id":")" + kCallId + "\"}").type, ClientType::kCallHangup);
  const ClientMessage offer = parseOk(R"({"type":"call_offer","call_id":")" + kCallId + R"(","sdp":"v=0\r\n"})");
  EXPECT_EQ(offer.sdp, "v=0\r\n");
  EXPECT_EQ(parseOk(R"({"type":"call_answer","call_id":")" + kCallId + R"(","sdp":"v=0"})").type,
            ClientType::kCallAnswer);
  const ClientMessage ice = parseOk(R"({"type":"call_ice","call_id":")" + kCallId +
                                    R"(","candidate":{ "candidate" : "candidate:1", "sdpMid":"0"}})");
  EXPECT_EQ(ice.candidate, R"({"candidate":"candidate:1","sdpMid":"0"})") << "kept as minified JSON";
}

TEST(ClientMessage, BadCallSignalsAreRefused) {
  for (const std::string& bad : {
           std::string(R"({"type":"call_accept"})"),
           std::string(R"({"type":"call_accept","call_id":"short"})"),
           R"({"type":"call_accept","call_id":")" + std::string(kCallIdBytes, 'G') + "\"}",
           R"({"type":"call_offer","call_id":")" + kCallId + "\"}",
           R"({"type":"call_offer","call_id":")" + kCallId + R"(","sdp":""})",
           R"({"type":"call_offer","call_id":")" + kCallId + R"(","sdp":")" + std::string(kMaxSdpBytes + 1, 'a') + "\"}",
           R"({"type":"call_ice","call_id":")" + kCallId + R"(","candidate":"text"})",
           R"({"type":"call_ice","call_id":")" + kCallId + R"(","candidate":{"c":")" +
               std::string(kMaxCandidateBytes, 'a') + "\"}}",
       }) {
    EXPECT_FALSE(parseClientMessage(bad).message) << bad.substr(0, 120);
  }
}

}  // namespace
}  // namespace chatd::chat
