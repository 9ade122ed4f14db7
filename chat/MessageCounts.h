// The chat protocol's WebSocket messages counted by type, for /metrics: in,
// by the client's type (ClientType; a message that does not parse, a binary
// frame or an unknown type is "other"), and out, by the server's type, read
// from the frame's leading {"type":"..." (every ServerMessage starts so).
// Types are fixed sets, so the series are bounded.
//
// One table per process, like the session pool: the loop thread is the only
// one, and every place that sends to a session can count without carrying
// a pointer in each ChatSession.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "chat/ClientMessage.h"
#include "reactor/Block.h"

namespace chatd::chat {

class MessageCounts {
 public:
  // ClientType's last is kCallHangup: every type has its own count.
  static constexpr size_t kClientTypes = static_cast<size_t>(ClientType::kCallHangup) + 1;
  // The server's types, "message" first: fan-out is most of what goes out.
  static constexpr std::array<std::string_view, 23> kServerTypes = {
      "message",         "ack",          "typing",          "read",           "user_joined",      "user_left",
      "error",           "joined",       "left",            "welcome",        "pong",             "history",
      "synced",          "online_users", "message_edited",  "message_deleted", "reaction_added",  "reaction_removed",
      "messages_changed", "messages_trimmed", "token_refreshed", "token_expiring",
      "received"};

  static MessageCounts& process();

  void countIn(std::optional<ClientType> type) { ++in_[type ? static_cast<size_t>(*type) : kClientTypes]; }
  void countOut(std::string_view json) { ++out_[serverTypeIndex(json)]; }
  // A text frame as chat/ builds them (server::makeServerFrame: unmasked, uncompressed).
  void countOutFrame(const reactor::BlockRef& frame);

  // Index kClientTypes / kServerTypes.size() is "other".
  uint64_t in(size_t index) const { return in_[index]; }
  uint64_t out(size_t index) const { return out_[index]; }
  static std::string_view clientTypeName(size_t index);

 private:
  static size_t serverTypeIndex(std::string_view json);

  std::array<uint64_t, kClientTypes + 1> in_{};
  std::array<uint64_t, kServerTypes.size() + 1> out_{};
};

}  // namespace chatd::chat
