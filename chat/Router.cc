#include "chat/Router.h"

#include "chat/AccountApi.h"
#include "chat/MessageApi.h"
#include "chat/RoomApi.h"
#include "chat/StaticFiles.h"
#include "proto/WsHandshake.h"

namespace chatd::chat {

void Router::addWebSocket(std::string path, WsEndpoint* endpoint) {
  webSockets_.emplace_back(std::move(path), endpoint);
}

WsEndpoint* Router::webSocketAt(std::string_view path) const {
  for (const auto& [p, endpoint] : webSockets_) {
    if (p == path) return endpoint;
  }
  return nullptr;
}

void Router::handle(const proto::HttpRequest& request, const HttpResponder& responder) const {
  const std::string_view path = request.path();
  if (request.method == "OPTIONS") return responder.respond(cors_.preflight(request));
  const bool readOnly = request.method == "GET";  // HEAD arrives as GET (Connection)
  const bool probe = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (probe && !readOnly) {
    return responder.respond(proto::methodNotAllowed("GET, HEAD"));
  }
  if (path == "/metrics" && metrics_) {
    proto::HttpResponse response;
    response.body = metrics_();
    return responder.respond(std::move(response.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")));
  }
  if (path == "/healthz") return responder.respond(proto::jsonResponse(200, "{\"status\":\"ok\"}"));
  if (path == "/readyz") {
    const bool ready = !ready_ || ready_();
    return responder.respond(ready ? proto::jsonResponse(200, "{\"status\":\"ready\",\"store\":\"ok\"}")
                                   : proto::jsonError(503, "not_ready", "the store is not usable"));
  }
  if (accounts_ && accounts_->handle(request, responder)) return;
  if (messages_ && messages_->handle(request, responder)) return;
  if (rooms_ && rooms_->handle(request, responder)) return;
  if (webSocketAt(path)) {
    // Not an upgrade, or not one llhttp recognised: say what is missing.
    return responder.respond(proto::evaluateWsHandshake(request, {}).response);
  }
  if (static_ && readOnly) {
    if (auto file = static_->serve(request)) return responder.respond(std::move(*file));
  } else if (static_ && static_->has(path)) {
    return responder.respond(proto::methodNotAllowed("GET, HEAD"));
  }
  responder.respond(proto::jsonError(404, "not_found", "no such path"));
}

}  // namespace chatd::chat
