// Cross-origin access for browsers (CORS): only the origins an operator
// lists with --allow-origin may call the API from a page of theirs. The same
// list decides which Origin may open a WebSocket.
//
// Answers preflights and adds Access-Control-Allow-Origin to responses for an
// allowed Origin; for any other Origin it adds nothing, and the browser keeps
// the response from the page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"

namespace chatd::server {

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowedOrigins) : allowed_(std::move(allowedOrigins)) {}

  // The request's Origin when it is one of the allowed ones.
  std::optional<std::string> allowedOrigin(const proto::HttpRequest& request) const;
  bool allows(std::string_view origin) const;
  // A WebSocket upgrade to refuse (403): --allow-origin is set and the
  // request comes from a page of another origin. No Origin (not a browser)
  // and the server's own origin (its web client) are always let through.
  // `scheme` is the one the client used (TrustedProxies::clientScheme).
  bool refusesWebSocket(const proto::HttpRequest& request, std::string_view scheme) const;

  // An OPTIONS request: 204 with the methods and headers a page may use for
  // an allowed Origin (the connection adds Access-Control-Allow-Origin, as to
  // every answer), 403 for another Origin, 204 with Allow for a plain OPTIONS.
  proto::HttpResponse preflight(const proto::HttpRequest& request) const;
  // Marks `response` as readable by a page from `origin` (an allowed one).
  static void decorate(proto::HttpResponse& response, const std::string& origin);

 private:
  std::vector<std::string> allowed_;
};

}  // namespace chatd::server
