// An error of the chat protocol: a code from docs/protocol.md's list and a
// sentence for people. The WebSocket sends it as {"type":"error",...}; the
// HTTP API as a 4xx/5xx with the same code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/Store.h"

namespace chatd::chat {

struct ChatError {
  std::string_view code;  // one of the constants below
  std::string message;
};

namespace chat_error {
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kUnauthorized = "unauthorized";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kNotMember = "not_member";
inline constexpr std::string_view kConflict = "conflict";  // HTTP only: a username taken
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kRateLimited = "rate_limited";
// Quotas (docs/protocol.md): one more than a flag allows.
inline constexpr std::string_view kTooManyRooms = "too_many_rooms";          // --rooms-per-hour
inline constexpr std::string_view kTooManyReactions = "too_many_reactions";  // --max-reactions
inline constexpr std::string_view kTooManySessions = "too_many_sessions";    // --max-sessions-per-user
inline constexpr std::string_view kInCall = "in_call";  // a call while in one, or one answered in another session
inline constexpr std::string_view kUnavailable = "unavailable";  // the store failed; retry
}  // namespace chat_error

// Close codes of a chat session (docs/protocol.md).
namespace chat_close {
inline constexpr uint16_t kUnauthorized = 4001;   // no, a bad, an expired or a logged-out token
inline constexpr uint16_t kTryAgainLater = 1013;  // the token could not be checked: the store failed
inline constexpr uint16_t kTooManySessions = 4029;
inline constexpr uint16_t kDisconnected = 4002;     // an operator closed the user's sessions (admin API)  // the user has --max-sessions-per-user open already
}  // namespace chat_close

// The HTTP status that carries `code`.
inline int httpStatusOf(std::string_view code) {
  using namespace chat_error;
  if (code == kUnauthorized) return 401;
  if (code == kForbidden || code == kNotMember) return 403;
  if (code == kNotFound) return 404;
  if (code == kConflict || code == kInCall) return 409;
  if (code == kTooLarge) return 413;
  if (code == kRateLimited || code == kTooManyRooms || code == kTooManyReactions || code == kTooManySessions) {
    return 429;
  }
  if (code == kUnavailable) return 503;
  return 400;
}

// What a store call that did not succeed (`status` is not kOk) means to the
// client: kNotFound and kConflict what they mean for that call (`notFound`;
// `conflict`, when the call can conflict), anything else that the store
// failed: unavailable, retry.
inline ChatError storeError(store::StoreStatus status, ChatError notFound = {chat_error::kNotFound, "not found"},
                            std::optional<ChatError> conflict = std::nullopt) {
  if (status == store::StoreStatus::kNotFound) return notFound;
  if (status == store::StoreStatus::kConflict && conflict) return *conflict;
  return ChatError{chat_error::kUnavailable, "the store is not available, retry later"};
}

}  // namespace chatd::chat
