// GET /ws: the chat protocol's WebSocket endpoint (docs/protocol.md). Turns
// frames into client messages for the Hub, after authentication:
// `Authorization: Bearer TOKEN` or `?token=TOKEN` on the upgrade (a bad token
// is refused with 401 before the handshake), or a first
// {"type":"auth","token":...} message within --handshake-timeout (a bad one
// closes with 4001). A later `auth` on an open session refreshes its token.
// Applies the per-session rate limit. Borrows everything.
//
// An upgrade's token is verified once: admit() keeps what it verified for the
// onOpen() that follows it at once (Connection::upgrade calls them back to
// back), which checks that it is the same token before using it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chat/AccountApi.h"
#include "chat/Config.h"
#include "chat/Hub.h"
#include "chat/TokenService.h"
#include "chat/WsEndpoint.h"
#include "reactor/EventLoop.h"

namespace chatd::chat {

class ChatEndpoint final : public WsEndpoint {
 public:
  ChatEndpoint(reactor::EventLoop& loop, Hub& hub, AccountApi& accounts, const TokenService& tokens,
               const Config& config)
      : loop_(loop), hub_(hub), accounts_(accounts), tokens_(tokens), config_(config) {}

  std::optional<proto::HttpResponse> admit(const proto::HttpRequest& request) override;
  void onOpen(WsSession& ws, const proto::HttpRequest& request) override;
  void onMessage(WsSession& ws, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  void onDrained(WsSession& ws) override;
  void onClose(WsSession& ws) override;

 private:
  void authenticate(ChatSession& session, std::string_view token, std::string ref);
  // What a token resolved to, for the session `sessionId` (it may be gone by then).
  void onResolved(uint64_t sessionId, const std::string& ref, AccountApi::Resolved resolved);

  struct Admitted {
    std::string token;
    TokenService::Identity identity;
  };
  std::optional<Admitted> admitted_;  // the last upgrade admit() verified, until its onOpen()

  reactor::EventLoop& loop_;
  Hub& hub_;
  AccountApi& accounts_;
  const TokenService& tokens_;
  const Config& config_;
};

}  // namespace chatd::chat
