// The chat protocol's settings (GET /ws), over the server's: a chat session
// is a connection, so its queue limit and handshake deadline are the
// server's. Plain values; app/Config.h parses them from flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/ServerOptions.h"

namespace chatd::chat {

struct ChatOptions : server::ServerOptions {
  size_t maxContentBytes = 4096;   // a message's content, UTF-8 bytes
  double ratePerSecond = 20;       // each user's token bucket, shared by its sessions; 0 = no limit
  double rateBurst = 40;
  // Quotas per user (0: no limit, except sessions and reactions).
  uint32_t roomsPerHour = 60;           // rooms one user creates per hour
  uint32_t maxReactionsPerMessage = 20; // distinct emoji one user puts on one message
  uint32_t maxSessionsPerUser = 32;     // open chat sessions (WebSockets) of one user
  uint64_t stallTimeoutMs = 30'000;
  // On shutdown each session is told to reconnect after a delay drawn
  // uniformly from [0, reconnectSpreadMs], so its clients do not all come back at once.
  uint64_t reconnectSpreadMs = 10'000;  // a session that reads nothing this long past its queue limit is closed
  // > 0: each room keeps at least its newest historyMax messages and the store
  // deletes older ones (store::MessageLog); 0: every message is kept.
  uint32_t historyMax = 0;
  // Calls (chat/Calls): the STUN/TURN servers every session's `welcome`
  // carries, the JSON of RTCConfiguration.iceServers (proto/IceServers.h),
  // and how long an unanswered call rings.
  std::string iceServersJson = "[]";
  uint64_t callRingTimeoutMs = 30'000;
  // Signs the download URLs of attachments in message frames (auth/FileUrls.h):
  // derived from the server's secret at start, never an option.
  std::string fileUrlKey;
};

}  // namespace chatd::chat
