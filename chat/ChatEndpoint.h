// GET /ws: the chat protocol's WebSocket endpoint (docs/protocol.md). Turns
// frames into client messages for the Hub, after authentication:
// `Authorization: Bearer TOKEN` or `?token=TOKEN` on the upgrade (a bad token
// is refused with 401 before the handshake), or a first
// {"type":"auth","token":...} message within --handshake-timeout (a bad one
// closes with 4001). A later `auth` on an open session refreshes its token.
// Applies the per-session rate limit. Borrows everything.
#pragma once

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

  reactor::EventLoop& loop_;
  Hub& hub_;
  AccountApi& accounts_;
  const TokenService& tokens_;
  const Config& config_;
};

}  // namespace chatd::chat
