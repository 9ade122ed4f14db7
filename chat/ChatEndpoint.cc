#include "chat/ChatEndpoint.h"

#include <utility>

#include "auth/AuthEvents.h"
#include "chat/ChatError.h"
#include "chat/ChatFrames.h"
#include "chat/ClientMessage.h"
#include "chat/MessageCounts.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::chat {

namespace {

namespace err = chat_error;

// The token of an upgrade request: the Authorization header, else ?token=.
std::optional<std::string> upgradeToken(const proto::HttpRequest& request) {
  if (const auto bearer = proto::bearerToken(request)) return std::string(*bearer);
  return request.queryParam("token");
}

ChatSession& sessionOf(server::WsSession& ws) { return *static_cast<ChatSession*>(ws.endpointData()); }

}  // namespace

server::WsEndpoint::Admission ChatEndpoint::admit(const proto::HttpRequest& request, const std::string& client) {
  const auto token = upgradeToken(request);
  if (!token) return {};  // it may authenticate with its first message
  auth::TokenService::Identity identity;
  const auth::JwtError error = tokens_.authenticate(*token, reactor::unixSeconds(), identity);
  if (error != auth::JwtError::kNone) {
    auth::logTokenRefused(client, auth::TokenUse::kWebSocketUpgrade, auth::jwtErrorMessage(error));
    return {proto::jsonError(401, err::kUnauthorized, auth::jwtErrorMessage(error)).header("WWW-Authenticate", "Bearer"),
            {}};
  }
  return {std::nullopt, std::move(identity)};
}

void ChatEndpoint::onOpen(server::WsSession& ws, const proto::HttpRequest&, std::any admitted,
                          const std::string& client) {
  ChatSession* session = hub_.openSession(ws);
  session->clientAddress = client;
  ws.setEndpointData(session);
  auto* identity = std::any_cast<auth::TokenService::Identity>(&admitted);
  if (!identity) return;  // no token on the upgrade: the first message authenticates
  session->authenticating = true;
  identities_.resolveIdentity(std::move(*identity), [this, sessionId = session->id](auth::IdentityResolver::Resolved resolved) {
    onResolved(sessionId, {}, std::move(resolved));
  });
}

void ChatEndpoint::onMessage(server::WsSession& ws, proto::WsOpcode opcode, std::span<const uint8_t> payload) {
  ChatSession& session = sessionOf(ws);
  if (opcode != proto::WsOpcode::kText) {
    MessageCounts::process().countIn(std::nullopt);
    return hub_.sendError(session, err::kBadRequest, "messages are JSON text frames", {});
  }
  ParsedClientMessage parsed =
      parseClientMessage(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
  MessageCounts::process().countIn(parsed.message ? std::optional(parsed.message->type) : std::nullopt);
  if (parsed.error) return hub_.sendError(session, err::kBadRequest, parsed.error->message, parsed.error->ref);
  ClientMessage& message = *parsed.message;
  // One budget per user, whatever number of sessions it opens.
  auto withinRate = [&] {
    return session.authenticated() ? hub_.takeMessageToken(*session.user)
                                   : session.bucket.take(config_.ratePerSecond, config_.rateBurst, loop_.nowMs());
  };
  if (message.type != ClientType::kPing && !withinRate()) {
    hub_.noteRateLimited();
    static reactor::LogLimiter rateLimited;
    LOG_EVENT_LIMITED(rateLimited, reactor::LogLevel::kWarn, "rate limited", {"session", session.id},
                      {"user_id", session.authenticated() ? session.user->id : 0}, {"client", session.clientAddress});
    return hub_.sendError(session, err::kRateLimited, "too many messages: slow down", message.ref);
  }
  if (message.type == ClientType::kAuth) return authenticate(session, message.token, std::move(message.ref));
  if (!session.authenticated()) {
    return hub_.sendError(session, err::kUnauthorized, "authenticate first: {\"type\":\"auth\",\"token\":...}",
                          message.ref);
  }
  hub_.handle(session, std::move(message));
}

void ChatEndpoint::authenticate(ChatSession& session, std::string_view token, std::string ref) {
  session.authenticating = true;
  identities_.resolveToken(token, [this, sessionId = session.id, ref = std::move(ref)](auth::IdentityResolver::Resolved resolved) {
    onResolved(sessionId, ref, std::move(resolved));
  });
}

void ChatEndpoint::onResolved(uint64_t sessionId, const std::string& ref, auth::IdentityResolver::Resolved resolved) {
  ChatSession* s = hub_.findSession(sessionId);
  if (!s) return;
  s->authenticating = false;
  if (resolved.outcome != auth::IdentityResolver::Resolved::Outcome::kOk) {
    const std::string_view code =
        resolved.outcome == auth::IdentityResolver::Resolved::Outcome::kUnavailable ? err::kUnavailable : err::kUnauthorized;
    if (code == err::kUnauthorized) auth::logTokenRefused(s->clientAddress, auth::TokenUse::kWebSocketAuth, resolved.reason);
    hub_.sendError(*s, code, resolved.reason, ref);
    // A session that never authenticated has nothing to keep (a store
    // outage says "try again later", 1013); an open one keeps its current
    // token until that expires.
    if (!s->authenticated()) {
      s->ws.close(code == err::kUnavailable ? chat_close::kTryAgainLater : chat_close::kUnauthorized, resolved.reason);
    }
    return;
  }
  if (s->authenticated() && s->user->id != resolved.user.id) {
    return hub_.sendError(*s, err::kForbidden, "the token is for another user", ref);
  }
  hub_.authenticated(*s, resolved.user, resolved.identity, ref);
}

void ChatEndpoint::onDrained(server::WsSession& ws) { hub_.drained(sessionOf(ws)); }

void ChatEndpoint::onClosing(server::WsSession& ws, uint16_t code, std::string_view reason) {
  logSessionEnd(sessionOf(ws), code, reason);
}

void ChatEndpoint::onServerShutdown(server::WsSession& ws) {
  std::uniform_int_distribution<uint64_t> delayMs(0, config_.reconnectSpreadMs);
  ServerMessage restarting("server_restarting");
  restarting.writer().key("reconnect_after_ms").value(static_cast<int64_t>(delayMs(reconnectJitter_)));
  const std::string frame = restarting.finish();
  ws.reply(proto::WsOpcode::kText, {reinterpret_cast<const uint8_t*>(frame.data()), frame.size()});
}

void ChatEndpoint::onClose(server::WsSession& ws) {
  // Gone without a closing handshake: 1006 (RFC 6455 §7.1.5).
  logSessionEnd(sessionOf(ws), proto::close_code::kAbnormal, "connection dropped");
  hub_.closeSession(sessionOf(ws));
  ws.setEndpointData(nullptr);
}

void ChatEndpoint::logSessionEnd(ChatSession& session, uint16_t code, std::string_view reason) {
  if (session.endLogged || !config_.accessLog) return;
  session.endLogged = true;
  const uint64_t durationMs = loop_.nowMs() - session.openedMs;
  const uint32_t in = session.ws.messagesIn();
  const uint32_t out = session.ws.messagesOut();
  if (session.authenticated()) {
    LOG_EVENT(reactor::LogLevel::kInfo, "session end", {"session", session.id}, {"user_id", session.user->id},
              {"user", session.user->username}, {"ms", durationMs}, {"in", in}, {"out", out}, {"code", code},
              {"reason", reason}, {"client", session.clientAddress});
  } else {
    LOG_EVENT(reactor::LogLevel::kInfo, "session end", {"session", session.id}, {"ms", durationMs}, {"in", in},
              {"out", out}, {"code", code}, {"reason", reason}, {"client", session.clientAddress});
  }
}

}  // namespace chatd::chat
