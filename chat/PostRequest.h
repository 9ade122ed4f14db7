// A message to post, from a WebSocket session or the HTTP API, and what the
// poster hears back (Hub::postMessage).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "chat/ChatError.h"
#include "chat/MessageKinds.h"
#include "store/Store.h"

namespace chatd::chat {

struct PostRequest {
  int64_t senderId = 0;
  std::string authorJson;  // names the sender in the message frame (userSummaryJson())
  int64_t roomId = 0;
  int64_t toUserId = 0;  // != 0: the direct room of the sender and this user instead of roomId
  std::string content;
  std::string clientId;
  uint64_t originSessionId = 0;  // 0 for HTTP; that session gets the ack, not the message frame
  MessageDraft draft{};          // kind and attachments, as the client gave them (checked by postMessage)
  store::CallLog call{};         // a call's log message (kind "call", chat/Calls), never a client's
  // The admin API's system message: the sender need not be a member, and a
  // direct room's message goes to its live sessions like any room's.
  bool byOperator = false;
};

// The error, or the stored message (a duplicate client id: the first one's).
using PostDone = std::function<void(std::optional<ChatError>, const store::AppendResult&)>;

}  // namespace chatd::chat
