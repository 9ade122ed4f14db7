// Maps request paths to what answers them: plain HTTP handlers (health and,
// later, the API) and WebSocket endpoints (echo, later the chat protocol).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/CorsPolicy.h"
#include "chat/HttpResponder.h"
#include "chat/WsEndpoint.h"
#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"

namespace chatd::chat {

class AccountApi;
class MessageApi;
class RoomApi;
class StaticFiles;

class Router {
 public:
  // Borrows the CORS policy, which answers OPTIONS preflights.
  explicit Router(const CorsPolicy& cors) : cors_(cors) {}

  // None is owned; each is set once at start.
  void setAccountApi(AccountApi* api) { accounts_ = api; }
  void setRoomApi(RoomApi* api) { rooms_ = api; }
  void setMessageApi(MessageApi* api) { messages_ = api; }
  void setStaticFiles(const StaticFiles* files) { static_ = files; }
  void setReadiness(std::function<bool()> ready) { ready_ = std::move(ready); }
  void setMetrics(std::function<std::string()> metrics) { metrics_ = std::move(metrics); }

  // Does not own the endpoint.
  void addWebSocket(std::string path, WsEndpoint* endpoint);
  WsEndpoint* webSocketAt(std::string_view path) const;

  // Answers a plain HTTP request, now or later through `responder`:
  // /healthz, /readyz, /metrics, the API, the web client's files, a WebSocket path asked without an upgrade
  // (400/426 from the handshake rules), 404 and 405 as JSON.
  void handle(const proto::HttpRequest& request, const HttpResponder& responder) const;

 private:
  const CorsPolicy& cors_;
  std::vector<std::pair<std::string, WsEndpoint*>> webSockets_;
  AccountApi* accounts_ = nullptr;
  RoomApi* rooms_ = nullptr;
  MessageApi* messages_ = nullptr;
  const StaticFiles* static_ = nullptr;
  std::function<bool()> ready_;
  std::function<std::string()> metrics_;
};

}  // namespace chatd::chat
