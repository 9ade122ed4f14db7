// What one client can cost chatd, over real sockets against a real chatd:
// requests with large answers wait for a non-reader's queue instead of
// piling up in memory; change events go through the bounded lane and a
// reader that misses some is told to fetch them again; a never-reader flooded
// with changes is closed by the stall rule, while a reader that reads, only
// slower than its room, is never closed; and direct messages between users
// who are offline leave no room state behind.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/chat_helpers.h"
#include "tests/integration/room_fixture.h"
#include "tests/support/ChatClient.h"
#include "tests/support/HttpCall.h"
#include "tests/support/TestUtil.h"

namespace chatd::testing {
namespace {

// Content whose every byte JSON escapes as \u0001: a 4000-byte message is a
// 24 KB frame, the most a message costs on the wire per byte posted.
std::string escapedContent(size_t bytes) { return std::string(bytes, '\x01'); }

// ASan's quarantine keeps freed memory resident: no memory bound to check there.
bool sanitized() { return std::getenv("CHATD_SANITIZED") != nullptr; }

// chatd's peak resident memory above `baseKiB`, in MiB.
int64_t growthMiB(const ChatdProcess& chatd, int64_t baseKiB) {
  return (procStatusKiB(chatd.pid(), "VmHWM") - baseKiB) / 1024;
}

// Edits `messageId` `count` times, a window at a time (each window's answers
// read before the next goes), the last one to `last`.
void editMany(ChatClient& editor, int64_t messageId, int count, const std::string& content, const std::string& last) {
  constexpr int kWindow = 32;
  for (int sent = 0; sent < count;) {
    const int batch = std::min(kWindow, count - sent);
    for (int i = 0; i < batch; ++i, ++sent) {
      const std::string& text = sent + 1 == count ? last : content;
      ASSERT_TRUE(editor.send(R"({"type":"edit","room_id":1,"id":)" + std::to_string(messageId) +
                              R"(,"content":)" + jsonQuote(text) + R"(,"ref":"e"})"));
    }
    for (int i = 0; i < batch; ++i) {
      const Json reply = editor.expect("message_edited", 10000);
      ASSERT_EQ(reply.string("ref"), "e") << reply;
    }
  }
}

// Item 2: 40 history requests, each answered by a 2.4 MB page, from a
// session that reads nothing. Queued at once they would pin ~96 MB; they wait
// for its queue instead, and all are answered, in order, once it reads.
TEST(ChatBackpressureTest, HistoryFloodFromANonReaderWaitsForItsQueue) {
  constexpr int kMessages = 100;
  constexpr int kRequests = 40;
  ChatdProcess chatd(chatdArgs({"--max-queue", "262144", "--rate", "0"}));
  auto poster = lobbyClient(chatd.port(), "poster", false);
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(poster->send(messageJson(kLobby, escapedContent(4000), "p" + std::to_string(i))));
  }
  ASSERT_EQ(readAcks(*poster, kMessages).size(), static_cast<size_t>(kMessages));
  auto reader = lobbyClient(chatd.port(), "reader", false);
  const int64_t before = procStatusKiB(chatd.pid(), "VmRSS");

  std::string flood;
  for (int i = 0; i < kRequests; ++i) {
    flood += WsTestClient::frame(0x1, R"({"type":"history","room_id":1,"limit":100,"ref":"h)" + std::to_string(i) +
                                          R"("})");
  }
  ASSERT_TRUE(reader->raw().sendRaw(flood));  // in one segment: one read on the server
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int64_t grown = growthMiB(chatd, before);
  std::cout << "[ memory   ] chatd grew by " << grown << " MiB for " << kRequests << " history pages of ~2.4 MB\n";
  if (!sanitized()) {
    EXPECT_LT(grown, 24) << "the answers were queued past --max-queue";
  }

  for (int i = 0; i < kRequests; ++i) {
    const Json page = reader->expect("history", 10000);
    EXPECT_EQ(page.string("ref"), "h" + std::to_string(i));
    EXPECT_EQ(page.size("messages"), static_cast<size_t>(kMessages));
  }
}

// Item 2: at most --burst requests wait for a session's queue; the ones past
// that are answered rate_limited at once, and the waiting ones in order later.
TEST(ChatBackpressureTest, RequestsPastTheBurstDoNotWait) {
  constexpr int kBurst = 5;
  constexpr int kRequests = 10;
  ChatdProcess chatd(chatdArgs({"--max-queue", "65536", "--rate", "0", "--burst", std::to_string(kBurst)}));
  auto poster = lobbyClient(chatd.port(), "poster", false);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(poster->send(messageJson(kLobby, escapedContent(4000), "p" + std::to_string(i))));
  }
  ASSERT_EQ(readAcks(*poster, 10).size(), 10u);
  auto reader = lobbyClient(chatd.port(), "reader", false);

  std::string flood;  // each page (240 KB) is over the queue limit by itself
  for (int i = 0; i < kRequests; ++i) {
    flood += WsTestClient::frame(0x1, R"({"type":"history","room_id":1,"ref":"h)" + std::to_string(i) + R"("})");
  }
  ASSERT_TRUE(reader->raw().sendRaw(flood));
  std::vector<std::string> pages, refused;
  while (pages.size() + refused.size() < static_cast<size_t>(kRequests)) {
    const std::optional<Json> frame = reader->tryNext(5000);
    if (!frame) break;
    if (frame->type() == "history") pages.push_back(frame->string("ref").value_or(""));
    if (frame->type() == "error" && frame->string("code") == "rate_limited") {
      refused.push_back(frame->string("ref").value_or(""));
    }
  }
  // The first runs at once, the next --burst wait, the rest are refused.
  EXPECT_EQ(pages, (std::vector<std::string>{"h0", "h1", "h2", "h3", "h4", "h5"}));
  EXPECT_EQ(refused, (std::vector<std::string>{"h6", "h7", "h8", "h9"}));
}

// Item 3: an edit flood (24 KB events) reaches a member that reads nothing.
// Its queue holds at most --max-queue of them; it is closed as a slow
// consumer after --stall-timeout, and chatd's memory stays bounded.
TEST(ChatBackpressureTest, EditFloodToANeverReaderStaysBoundedAndClosesIt) {
  constexpr int kEdits = 4000;  // ~98 MB of events
  ChatdProcess chatd(
      chatdArgs({"--max-queue", "65536", "--stall-timeout", "2", "--ping-timeout", "1", "--rate", "0"}));
  auto editor = lobbyClient(chatd.port(), "editor", true);
  auto stalled = lobbyClient(chatd.port(), "stalled", true);
  const Json ack = editor->call("message", R"("room_id":1,"content":"v0","client_id":"m")");
  const int64_t messageId = ack.integer("id").value_or(0);
  ASSERT_GT(messageId, 0) << ack;
  const int64_t before = procStatusKiB(chatd.pid(), "VmRSS");

  editMany(*editor, messageId, kEdits, escapedContent(4000), "final");
  const int64_t grown = growthMiB(chatd, before);
  std::cout << "[ memory   ] chatd grew by " << grown << " MiB for " << kEdits << " edits of 24 KB\n";
  if (!sanitized()) {
    EXPECT_LT(grown, 32) << "change events were queued past --max-queue";
  }
  EXPECT_TRUE(eventually([&] { return chatd.log().find("slow consumer") != std::string::npos; }, 10000))
      << "the never-reader was not closed";
  EXPECT_TRUE(stalled->waitForEof(10000)) << "the slow consumer's connection is still open";
  // The editor carries on.
  EXPECT_EQ(editor->call("ping").type(), "pong");
}

// Item 3: a reader that stops reading while a message is edited over and
// over misses the events that do not fit, and is told, once it reads again,
// to fetch the message again (messages_changed); history has the final state.
TEST(ChatBackpressureTest, ReaderThatMissesChangesIsToldToFetchThemAgain) {
  constexpr int kEdits = 1000;  // ~24 MB of events: more than the kernel holds for the reader
  ChatdProcess chatd(chatdArgs({"--max-queue", "65536", "--stall-timeout", "600", "--rate", "0"}));
  auto editor = lobbyClient(chatd.port(), "editor", true);
  auto paused = lobbyClient(chatd.port(), "paused", true);
  const Json ack = editor->call("message", R"("room_id":1,"content":"v0","client_id":"m")");
  const int64_t messageId = ack.integer("id").value_or(0);
  const int64_t seq = ack.integer("seq").value_or(0);
  ASSERT_GT(messageId, 0) << ack;

  editMany(*editor, messageId, kEdits, escapedContent(4000), "final");
  ASSERT_EQ(editor->call("message", R"("room_id":1,"content":"after","client_id":"n")").type(), "ack");

  size_t edits = 0;
  std::optional<Json> notice;
  while (std::optional<Json> frame = paused->tryNext(3000)) {
    if (frame->type() == "message_edited") ++edits;
    if (frame->type() == "messages_changed") notice = *frame;
    if (frame->type() == "message" && frame->string("data.content") == "after") break;
  }
  std::cout << "[ changes  ] " << edits << " of " << kEdits << " edit events reached the reader\n";
  EXPECT_LT(edits, static_cast<size_t>(kEdits)) << "the reader was never congested";
  ASSERT_TRUE(notice) << "the reader missed edits and was not told";
  EXPECT_EQ(notice->integer("room_id"), kLobby);
  EXPECT_EQ(notice->integer("data.from_seq"), seq) << *notice;
  EXPECT_EQ(notice->integer("data.to_seq"), seq) << *notice;
  const Json page = paused->call("history", R"("room_id":1,"after":)" + std::to_string(seq - 1) + R"(,"limit":1)");
  EXPECT_EQ(page.string("messages.0.content"), "final") << page;
}

// Item 4: a reader that keeps reading, but at a twentieth of the rate its
// room produces, for three stall timeouts. A first burst, read at full speed,
// grows the kernel's send buffer to 4 MB; from then on the kernel takes bytes
// from chatd only once a third of it is acknowledged (~8 s at this rate), so
// chatd's queue does not shrink for longer than the stall timeout although
// the reader reads (its acknowledgements come every ~0.5 s, but on loopback,
// whose segments are 64 KB, a receive window reopens in steps that a loaded
// box has stretched past 2 s: hence 3 s). It is never closed, and gets
// every message in order.
TEST(ChatBackpressureTest, SlowSteadyReaderIsNeverClosed) {
  constexpr int kBurst = 2000;            // 4 KB each, read at full speed
  constexpr int kSlowMessages = 900;      // 24 KB each, one every 10 ms: 2.4 MB/s for 9 s
  constexpr size_t kReadPerTick = 12000;  // every 100 ms: 120 KB/s
  constexpr int kTotal = kBurst + kSlowMessages;
  ChatdProcess chatd(chatdArgs({"--max-queue", "65536", "--stall-timeout", "3", "--rate", "0"}));
  auto reader = lobbyClient(chatd.port(), "reader", true);
  auto sender = lobbyClient(chatd.port(), "sender", false);

  std::thread posting([&] {
    sendMessages(*sender, kLobby, "burst", kBurst, 4000);
    for (int i = 0; i < kSlowMessages; ++i) {
      ASSERT_TRUE(sender->send(messageJson(kLobby, escapedContent(4000), "slow" + std::to_string(i))));
      ASSERT_EQ(readAcks(*sender, 1).size(), 1u);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::vector<int64_t> seqs = readMessages(*reader, kLobby, kBurst).seqs;
  size_t budget = 0;
  size_t consumed = 0;
  const auto slowUntil = std::chrono::steady_clock::now() + std::chrono::seconds(9);
  while (seqs.size() < static_cast<size_t>(kTotal) && !reader->closeFrame()) {
    if (consumed >= budget && std::chrono::steady_clock::now() < slowUntil) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      budget += kReadPerTick;
      continue;
    }
    std::optional<Json> frame = reader->tryNext(5000);
    if (!frame) break;
    consumed += frame->text().size();
    if (frame->type() == "message") seqs.push_back(frame->integer("data.seq").value_or(-1));
  }
  posting.join();
  EXPECT_FALSE(reader->closeFrame()) << "closed " << reader->closeFrame()->code << " " << reader->closeFrame()->reason;
  EXPECT_TRUE(isRun(seqs, 1, kTotal));
  EXPECT_EQ(chatd.log().find("slow consumer"), std::string::npos) << chatd.log();
}

// Item 7: direct messages between users with no session open make no live
// room: 105 direct rooms, each sent more than the 256 KiB a live room keeps
// of its recent messages, leave chatd's memory and its live-room count flat.
TEST(ChatBackpressureTest, DirectMessagesBetweenOfflineUsersLeaveNoLiveRooms) {
  constexpr int kUsers = 15;          // 105 pairs
  constexpr int kPostsPerRoom = 5;    // of 64 KB: past what a live room keeps
  ChatdProcess chatd(chatdArgs({"--rate", "0", "--max-content", "65536", "--max-body", "1048576"}));
  std::vector<Account> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(signUp(chatd.port(), "user" + std::to_string(i)));
  const std::string body = R"({"content":)" + jsonQuote(std::string(65000, 'x')) + "}";
  const int64_t before = procStatusKiB(chatd.pid(), "VmRSS");
  int rooms = 0;
  for (int a = 0; a < kUsers; ++a) {
    for (int b = a + 1; b < kUsers; ++b, ++rooms) {
      const HttpReply direct = httpCallAs(users[a].token, chatd.port(), "POST", "/api/v1/direct/" + users[b].id);
      ASSERT_TRUE(direct.status == 200 || direct.status == 201) << direct.body;
      const std::string path = "/api/v1/rooms/" + jsonField(direct.body, "id") + "/messages";
      for (int i = 0; i < kPostsPerRoom; ++i) {
        const Account& from = i % 2 == 0 ? users[a] : users[b];
        ASSERT_EQ(httpCallAs(from.token, chatd.port(), "POST", path, body).status, 201);
      }
    }
  }
  const int64_t grown = (procStatusKiB(chatd.pid(), "VmRSS") - before) / 1024;
  std::cout << "[ memory   ] chatd grew by " << grown << " MiB after " << rooms * kPostsPerRoom
            << " direct messages of 64 KB between offline users\n";
  if (!sanitized()) {
    EXPECT_LT(grown, 12) << "direct rooms without sessions kept their state";
  }
  const HttpReply metrics = httpCall(chatd.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("\nchatd_live_rooms 0\n"), std::string::npos) << metrics.body;
}

}  // namespace
}  // namespace chatd::testing
