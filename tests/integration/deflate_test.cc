// permessage-deflate in the chat, over real sockets against a real chatd:
// a broadcast to a room where half the sessions negotiated compression is
// compressed once (not once per member) and every session reads the same
// messages, the compressed ones with RSV1; the catch-up ring replays the
// compressed form without compressing again; a compressed chat message is
// understood; a compression bomb closes with 1009 and leaves chatd's memory
// where it was.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "proto/MessageDeflater.h"
#include "tests/integration/chat_helpers.h"
#include "tests/support/ChatClient.h"
#include "tests/support/HttpCall.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

constexpr const char* kCompressions = "chatd_deflate_compressions_total";
constexpr const char* kSharedSends = "chatd_deflate_shared_sends_total";

// ASan's quarantine keeps freed memory resident: no memory bound to check there.
bool sanitized() { return std::getenv("CHATD_SANITIZED") != nullptr; }

std::string deflated(const std::string& plain) {
  proto::MessageDeflater deflater;
  std::vector<uint8_t> out;
  deflater.deflate({reinterpret_cast<const uint8_t*>(plain.data()), plain.size()}, out);
  return {out.begin(), out.end()};
}

// The texts of the next `count` message frames of the lobby (others skipped).
std::vector<std::string> messageTexts(ChatClient& client, size_t count) {
  std::vector<std::string> texts;
  while (texts.size() < count) {
    std::optional<Json> frame = client.tryNext();
    if (!frame) break;
    if (frame->type() == "message") texts.push_back(frame->text());
  }
  return texts;
}

// A session of `account` on the lobby, offering deflate or not, with
// everything its join brought read.
std::unique_ptr<ChatClient> member(int port, const Account& account, const std::string& name, bool deflate) {
  auto client = std::make_unique<ChatClient>(port, name);
  if (deflate) client->offerDeflate();
  client->connect(account.token);
  EXPECT_EQ(client->deflateAccepted(), deflate) << name;
  client->join(kLobby);
  client->drain();
  return client;
}

TEST(DeflateTest, ABroadcastIsCompressedOnceForEveryMemberThatNegotiated) {
  constexpr int kMembers = 1000;
  constexpr int kMessages = 20;
  ChatdProcess chatd(chatdArgs({"--rate", "0", "--max-sessions-per-user", std::to_string(kMembers)}));
  auto speaker = lobbyClient(chatd.port(), "speaker", true);  // uncompressed: its acks are not counted
  const Account crowd = signUp(chatd.port(), "crowd");  // one user: no presence storm as its sessions join
  std::vector<std::unique_ptr<ChatClient>> members;
  for (int i = 0; i < kMembers; ++i) {
    members.push_back(member(chatd.port(), crowd, "member" + std::to_string(i), i % 2 == 0));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "member " << i;
  }
  speaker->drain();
  const long compressionsBefore = metricValue(chatd.port(), kCompressions);
  const long sharedBefore = metricValue(chatd.port(), kSharedSends);
  std::vector<uint64_t> compressedBefore;
  for (const auto& m : members) compressedBefore.push_back(m->compressedFrames());

  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(sendMessages(*speaker, kLobby, "m", kMessages, 200).size(), static_cast<size_t>(kMessages));
  const std::vector<std::string> expected = messageTexts(*members[1], kMessages);  // a plain member's
  ASSERT_EQ(expected.size(), static_cast<size_t>(kMessages));
  for (size_t i = 0; i < members.size(); ++i) {
    ChatClient& m = *members[i];
    if (i != 1) {
      EXPECT_EQ(messageTexts(m, kMessages), expected) << m.name();
    }
    const uint64_t compressed = m.compressedFrames() - compressedBefore[i];
    EXPECT_EQ(compressed, i % 2 == 0 ? static_cast<uint64_t>(kMessages) : 0u) << m.name();
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();

  const long compressions = metricValue(chatd.port(), kCompressions) - compressionsBefore;
  const long shared = metricValue(chatd.port(), kSharedSends) - sharedBefore;
  std::cout << "[ deflate  ] " << kMessages << " messages to " << kMembers << " sessions (" << kMembers / 2
            << " compressed) in " << elapsed << " ms: " << compressions << " compressions, " << shared
            << " shared compressed sends\n";
  EXPECT_EQ(compressions, kMessages);
  EXPECT_EQ(shared, static_cast<long>(kMessages) * kMembers / 2);
}

// The catch-up ring holds the frames it was given, and the compressed twin
// lives on each: a session that resumes is replayed the compressed bytes
// made when the message was first broadcast, without compressing again.
TEST(DeflateTest, AResumeIsReplayedCompressedWithoutCompressingAgain) {
  constexpr int kMessages = 10;
  ChatdProcess chatd(chatdArgs({"--rate", "0"}));
  auto speaker = lobbyClient(chatd.port(), "speaker", true);
  const Account reader = signUp(chatd.port(), "reader");
  auto live = member(chatd.port(), reader, "live", true);
  const int64_t since = live->join(kLobby).integer("last_seq").value_or(-1);
  live->drain();
  ASSERT_EQ(sendMessages(*speaker, kLobby, "m", kMessages, 300).size(), static_cast<size_t>(kMessages));
  ASSERT_EQ(messageTexts(*live, kMessages).size(), static_cast<size_t>(kMessages));
  const long compressionsBefore = metricValue(chatd.port(), kCompressions);
  const long sharedBefore = metricValue(chatd.port(), kSharedSends);

  ChatClient resumed(chatd.port(), "resumed");
  resumed.offerDeflate();
  resumed.connect(reader.token);
  ASSERT_TRUE(resumed.deflateAccepted());
  const Json joined = resumed.call("join_room", R"("room_id":1,"since":)" + std::to_string(since));
  ASSERT_EQ(joined.type(), "joined") << joined;
  const uint64_t compressedBefore = resumed.compressedFrames();
  EXPECT_EQ(messageTexts(resumed, kMessages).size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(resumed.compressedFrames() - compressedBefore, static_cast<uint64_t>(kMessages));
  EXPECT_EQ(metricValue(chatd.port(), kSharedSends) - sharedBefore, kMessages);
  // The joined and online_users replies are this session's own; the replay compressed nothing new.
  EXPECT_LE(metricValue(chatd.port(), kCompressions) - compressionsBefore, 2);
}

// A chat message sent compressed is inflated and understood; a bomb (100 MB
// of zeros in ~100 KB, under --max-message compressed) closes with 1009 the
// moment it inflates past --max-message, and chatd's memory does not follow.
TEST(DeflateTest, CompressedMessagesAreUnderstoodAndABombClosesWith1009) {
  constexpr int kBombs = 8;
  ChatdProcess chatd(chatdArgs({"--rate", "0"}));
  const Account user = signUp(chatd.port(), "sender");
  auto sender = member(chatd.port(), user, "sender", true);

  const std::string message = messageJson(kLobby, std::string(500, 'z'), "c1");
  ASSERT_TRUE(sender->raw().sendRaw(WsTestClient::frame(0x1, deflated(message), true, true, 4)));
  const Json ack = sender->expect("ack");
  EXPECT_EQ(ack.string("ref"), "c1") << ack;
  EXPECT_EQ(metricValue(chatd.port(), "chatd_deflate_inflations_total"), 1);

  const std::string bomb = deflated(std::string(100 * 1000 * 1000, '\0'));
  ASSERT_LT(bomb.size(), 1u << 20) << "the bomb must pass the parser's limit on compressed bytes";
  const int64_t rssBefore = procStatusKiB(chatd.pid(), "VmRSS");
  const int64_t peakBefore = procStatusKiB(chatd.pid(), "VmHWM");
  std::vector<std::unique_ptr<ChatClient>> bombers;
  for (int i = 0; i < kBombs; ++i) {
    bombers.push_back(member(chatd.port(), user, "bomber" + std::to_string(i), true));
    ASSERT_TRUE(bombers.back()->raw().sendRaw(WsTestClient::frame(0x2, bomb, true, true, 4)));
  }
  for (auto& bomber : bombers) {
    const auto close = bomber->expectClose();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1009) << close->reason;
  }
  const int64_t rssAfter = procStatusKiB(chatd.pid(), "VmRSS");
  const int64_t peakAfter = procStatusKiB(chatd.pid(), "VmHWM");
  std::cout << "[ memory   ] " << kBombs << " bombs of " << bomb.size() << " bytes (100 MB inflated): RSS "
            << rssBefore << " -> " << rssAfter << " KiB, peak " << peakBefore << " -> " << peakAfter << " KiB\n";
  if (!sanitized()) {
    EXPECT_LT(peakAfter - peakBefore, 16 * 1024) << "inflating went past --max-message";
    EXPECT_LT(rssAfter - rssBefore, 16 * 1024);
  }
  // The sender's session is unharmed.
  sender->drain();
  EXPECT_EQ(sender->sendMessage(kLobby, "still here").type(), "ack");
}

}  // namespace
}  // namespace chatd::testing
