// GET /ws: the chat protocol's WebSocket endpoint (docs/protocol.md). Turns
// frames into client messages for the Hub, after authentication:
// `Authorization: Bearer TOKEN` or `?token=TOKEN` on the upgrade (a bad token
// is refused with 401 before the handshake), or a first
// {"type":"auth","token":...} message within --handshake-timeout (a bad one
// closes with 4001). A later `auth` on an open session refreshes its token.
// Applies the per-session rate limit. Borrows everything.
//
// On shutdown each session hears {"type":"server_restarting",
// "reconnect_after_ms":N} before its Close 1001, N drawn uniformly from
// [0, --reconnect-spread], so that the clients of a restarting node spread
// their reconnects instead of arriving all at once.
//
// An upgrade's token is verified once: admit() accepts the upgrade with the
// identity it verified, which the connection carries to onOpen().
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "auth/IdentityResolver.h"
#include "auth/TokenService.h"
#include "chat/ChatOptions.h"
#include "chat/Hub.h"
#include "reactor/EventLoop.h"
#include "server/WsEndpoint.h"

namespace chatd::chat {

class ChatEndpoint final : public server::WsEndpoint {
 public:
  ChatEndpoint(reactor::EventLoop& loop, Hub& hub, auth::IdentityResolver& identities, const auth::TokenService& tokens,
               const ChatOptions& config)
      : loop_(loop), hub_(hub), identities_(identities), tokens_(tokens), config_(config) {}

  Admission admit(const proto::HttpRequest& request, const std::string& client) override;
  void onOpen(server::WsSession& ws, const proto::HttpRequest& request, std::any admitted,
              const std::string& client) override;
  void onMessage(server::WsSession& ws, proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  void onDrained(server::WsSession& ws) override;
  void onClosing(server::WsSession& ws, uint16_t code, std::string_view reason) override;
  void onServerShutdown(server::WsSession& ws) override;
  void onClose(server::WsSession& ws) override;

 private:
  void authenticate(ChatSession& session, std::string_view token, std::string ref);
  // What a token resolved to, for the session `sessionId` (it may be gone by then).
  void onResolved(uint64_t sessionId, const std::string& ref, auth::IdentityResolver::Resolved resolved);
  // The access log's line for a session that ends (--access-log), once.
  void logSessionEnd(ChatSession& session, uint16_t code, std::string_view reason);

  reactor::EventLoop& loop_;
  Hub& hub_;
  auth::IdentityResolver& identities_;
  const auth::TokenService& tokens_;
  const ChatOptions& config_;
  std::minstd_rand reconnectJitter_{std::random_device{}()};
};

}  // namespace chatd::chat
