// The chat protocol's client messages (docs/protocol.md): one JSON text frame
// in, one typed, validated ClientMessage out, or the `bad_request` error to
// answer with. Pure: no sockets, no state; unit-tested and fuzzed.
//
// Limits that depend on configuration (content size) and on state
// (membership, rate) are the hub's to check, not this parser's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/MessageKinds.h"

namespace chatd::chat {

enum class ClientType {
  kAuth,
  kJoinRoom,
  kLeaveRoom,
  kMessage,
  kTyping,
  kRead,
  kReceived,
  kHistory,
  kEdit,
  kDelete,
  kReact,
  kSync,
  kPing,
  // Call signalling (chat/Calls): relayed, never stored.
  kCallInvite,
  kCallAccept,
  kCallReject,
  kCallOffer,
  kCallAnswer,
  kCallIce,
  kCallHangup,
};

inline constexpr int kMaxHistoryPage = 100;
inline constexpr int kDefaultHistoryPage = 50;
inline constexpr size_t kMaxClientIdBytes = 64;
inline constexpr size_t kMaxEmojiBytes = 32;
inline constexpr size_t kMaxSyncRooms = 1000;
inline constexpr size_t kCallIdBytes = 32;         // hex: 128 random bits, minted by the server
inline constexpr size_t kMaxSdpBytes = 64 * 1024;  // a session description, with many codecs
inline constexpr size_t kMaxCandidateBytes = 2048;

struct ClientMessage {
  ClientType type = ClientType::kPing;
  std::string ref;  // the client's "ref" as JSON text (a string or an integer); empty when none
  int64_t roomId = 0;
  int64_t toUserId = 0;   // message: a direct message to this user instead of room_id
  int64_t messageId = 0;  // edit, delete, react: "id"
  int64_t seq = 0;        // read, received
  std::optional<int64_t> since;   // join_room
  std::optional<int64_t> before;  // history
  std::optional<int64_t> after;   // history
  int limit = kDefaultHistoryPage;  // history, clamped to 1..kMaxHistoryPage
  bool typing = true;               // typing: false says the user stopped
  std::string content;    // message, edit
  std::string clientId;   // message
  MessageDraft draft;     // message: its kind and attachments
  std::string emoji;      // react
  std::string token;      // auth
  std::string callId;     // call_*, but call_invite
  bool video = false;     // call_invite: "media":"video" (default "audio")
  std::string sdp;        // call_offer, call_answer
  std::string candidate;  // call_ice: the ICE candidate object, as JSON text
  std::vector<std::pair<int64_t, int64_t>> syncRooms;  // sync: (room id, since), by room id
};

struct ClientMessageError {
  std::string message;  // for the `error` reply; the code is always bad_request
  std::string ref;      // the ref, when the message got far enough to have one
};

// Parses one text frame. Exactly one of the two is set.
struct ParsedClientMessage {
  std::optional<ClientMessage> message;
  std::optional<ClientMessageError> error;
};

ParsedClientMessage parseClientMessage(std::string_view text);

// The type's name on the wire ("join_room").
std::string_view clientTypeName(ClientType type);

}  // namespace chatd::chat
