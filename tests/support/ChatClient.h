// A synchronous client of the chat protocol (GET /ws, JSON text frames; see
// docs/protocol.md) for integration tests, on top of WsTestClient.
//
// Reading comes in two strengths:
//   next()          the very next frame, for checks where order matters;
//   expect(type)    skips frames until one of `type` arrives; the skipped
//                   ones are dropped, so use it where order does not matter.
// Both fail the running test (ADD_FAILURE, naming the client and listing what
// arrived instead) and return an empty Json (ok() false) on timeout or close.
// tryNext() is the quiet form: nullopt instead of a failure.
//
// drain() is the barrier: a ping, then every frame up to its pong. Whatever
// the server queued for this session before it read the ping is in it, so a
// test can say "nothing else arrived" without sleeping.
//
// Server pings are answered with pongs on the fly; a server's Close frame is
// echoed, ends reading and is kept (closeFrame()). One ChatClient belongs to
// one thread.
//
// offerDeflate() before opening makes the upgrade offer permessage-deflate;
// compressed frames (RSV1) are then inflated as they are read, and counted
// (compressedFrames()). What the client sends stays uncompressed.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/WsTestClient.h"

namespace chatd::testing {

// A JSON value (a server frame, or a piece of one) read by path: "type",
// "data.user.username", "messages.0.seq" (a number indexes an array); "" is
// the value itself. An absent field, or one of another type, answers nullopt.
// Parses the text on every call: simple, and fast enough for tests.
class Json {
 public:
  Json() = default;
  explicit Json(std::string text) : text_(std::move(text)) {}

  bool ok() const;  // holds valid JSON
  const std::string& text() const { return text_; }
  std::string type() const { return string("type").value_or(""); }

  bool has(std::string_view path) const;
  bool isNull(std::string_view path) const;
  std::optional<std::string> string(std::string_view path) const;
  std::optional<int64_t> integer(std::string_view path) const;
  std::optional<bool> boolean(std::string_view path) const;
  // The elements of the array at `path` (none when it is not an array).
  std::vector<Json> items(std::string_view path = {}) const;
  size_t size(std::string_view path = {}) const { return items(path).size(); }
  // The value at `path` as its own Json; empty (ok() false) when absent.
  Json at(std::string_view path) const;

 private:
  std::string text_;
};

std::ostream& operator<<(std::ostream& out, const Json& json);

// `text` as a JSON string literal, quotes included.
std::string jsonQuote(std::string_view text);

enum class TokenIn { kQuery, kBearer };  // where upgrade() puts the token

struct CloseFrame {
  uint16_t code = 0;
  std::string reason;
};

class ChatClient {
 public:
  static constexpr int kTimeoutMs = 5000;

  // `name` labels its failures ("ann/tab2 expected ack, got ...").
  explicit ChatClient(int port, std::string name = "client") : port_(port), name_(std::move(name)) {}

  // --- Opening ---
  // Every later upgrade() goes over TLS, trusting `caFile` (wss://localhost).
  void useTls(std::string caFile) { caFile_ = std::move(caFile); }
  // Connects and sends the upgrade for /ws with `token` (none when empty) in
  // ?token= or an Authorization header, plus `extraHeaders` lines
  // ("Name: value\r\n"). Answers the server's reply: 101 opened the
  // WebSocket; anything else (401, 403) did not.
  HttpReply upgrade(const std::string& token = {}, TokenIn in = TokenIn::kQuery, std::string_view extraHeaders = {});
  // upgrade() with the token, then the welcome frame (which must come first).
  Json connect(const std::string& token, TokenIn in = TokenIn::kQuery);
  // upgrade() without a token, then {"type":"auth","token":...}: the welcome.
  Json connectWithAuthMessage(const std::string& token);

  // Offer permessage-deflate in the next upgrade.
  void offerDeflate() { offerDeflate_ = true; }
  // Whether the last upgrade's 101 accepted it.
  bool deflateAccepted() const { return deflateAccepted_; }
  // Text frames that arrived compressed.
  uint64_t compressedFrames() const { return compressedFrames_; }

  // --- Sending ---
  // One text frame, as given.
  bool send(std::string_view json);
  // Sends {"type":TYPE,"ref":"rN"[,FIELDS]} (FIELDS: "\"room_id\":1,...",
  // without braces) and answers the first frame carrying that ref (a reply
  // or an error); frames before it are dropped.
  Json call(std::string_view type, std::string_view fields = {}, int timeoutMs = kTimeoutMs);
  // join_room: answers the `joined` reply; the frames that follow it
  // (replayed messages, online_users) are left unread.
  Json join(int64_t roomId);
  // message to a room, with `clientId` unless empty: its ack (or error).
  Json sendMessage(int64_t roomId, std::string_view content, std::string_view clientId = {});

  // --- Reading ---
  std::optional<Json> tryNext(int timeoutMs = kTimeoutMs);
  Json next(int timeoutMs = kTimeoutMs);
  // The next frame must be of `type`.
  Json expectNext(std::string_view type, int timeoutMs = kTimeoutMs);
  Json expect(std::string_view type, int timeoutMs = kTimeoutMs);
  // Every frame up to and including the first of `type` (which is last);
  // a failure, and what arrived, when none comes.
  std::vector<Json> until(std::string_view type, int timeoutMs = kTimeoutMs);
  // A ping, then the frames that arrived before its pong (pong excluded).
  std::vector<Json> drain(int timeoutMs = kTimeoutMs);
  // Reads until the server's Close frame (frames before it are dropped).
  std::optional<CloseFrame> expectClose(int timeoutMs = kTimeoutMs);
  // The Close frame received, if any.
  const std::optional<CloseFrame>& closeFrame() const { return closeFrame_; }
  // True once the server closed the TCP connection.
  bool waitForEof(int timeoutMs = kTimeoutMs) { return ws_.waitForEof(timeoutMs); }
  // The closing handshake (Close 1000): waits for the server's Close and its
  // end of the stream, then closes the socket. The server drops the session
  // when it reads that FIN, so a drain() of another client afterwards sees
  // what that caused (user_left). False (and a failure) if the server does
  // not close.
  bool hangUp(int timeoutMs = kTimeoutMs);
  // Drops the TCP connection at once, without a closing handshake.
  void close() { ws_.close(); }

  const std::string& name() const { return name_; }
  WsTestClient& raw() { return ws_; }  // for byte-level tests
  std::string nextRef() { return "r" + std::to_string(++refs_); }

 private:
  int port_;
  std::string name_;
  WsTestClient ws_;
  std::string caFile_;  // empty: plain TCP
  std::optional<CloseFrame> closeFrame_;
  bool closeSent_ = false;
  bool offerDeflate_ = false;
  bool deflateAccepted_ = false;
  uint64_t compressedFrames_ = 0;
  uint64_t refs_ = 0;
};

// Frames of `type` among `frames`.
std::vector<Json> ofType(const std::vector<Json>& frames, std::string_view type);

}  // namespace chatd::testing
