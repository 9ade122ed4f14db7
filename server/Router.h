// The route table: what answers each request. Routes are a method and a path
// pattern whose `{name}` segments capture an id ("/api/v1/rooms/{room}/members/{user}"
// matches /api/v1/rooms/7/members/42; a segment that is not a positive decimal
// id matches no route, so it is a 404; a `{name:hex}` segment captures 1 to 64
// lowercase hex digits as text instead). WebSocket endpoints are matched by
// exact path; a fallback (the web client's files) answers what no route does.
// One place answers what is left: OPTIONS preflights (CORS), a path some route
// has but not with this method (405, Allow from the routes), and 404.
// A streaming route (addStreaming) takes its request's body as it arrives
// (BodyStream) rather than once collected up to --max-body.
// Knows no handler by name; the application fills it at start.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/HttpRequest.h"
#include "proto/HttpResponse.h"
#include "server/BodyStream.h"
#include "server/CorsPolicy.h"
#include "server/HttpResponder.h"
#include "server/WsEndpoint.h"

namespace chatd::server {

// The ids a route's pattern captured, by name.
class PathParams {
 public:
  // The id captured as `{name}`; 0 when the pattern has no such segment.
  int64_t id(std::string_view name) const;
  void add(std::string_view name, int64_t value) { values_.emplace_back(name, value); }
  // The text captured as `{name:hex}`; empty when none. Points into the
  // request's target: valid while the handler is called.
  std::string_view text(std::string_view name) const;
  void addText(std::string_view name, std::string_view value) { texts_.emplace_back(name, value); }

 private:
  std::vector<std::pair<std::string_view, int64_t>> values_;  // names point into the route's pattern
  std::vector<std::pair<std::string_view, std::string_view>> texts_;
};

class Router {
 public:
  using Handler = std::function<void(const proto::HttpRequest&, const PathParams&, const HttpResponder&)>;
  // Opens the stream a streaming route's body goes to; it may answer at once.
  using StreamHandler = std::function<std::unique_ptr<BodyStream>(const proto::HttpRequest& head, const PathParams&,
                                                                  const HttpResponder&)>;
  using StreamOpener = std::function<std::unique_ptr<BodyStream>(const HttpResponder&)>;
  // A response for a request no route matched, or nullopt (404). For
  // non-GET requests only `has(path)` is asked (405 when it does).
  struct Fallback {
    std::function<std::optional<proto::HttpResponse>(const proto::HttpRequest&)> serve;
    std::function<bool(std::string_view path)> has;
  };

  // Borrows the CORS policy, which answers OPTIONS preflights.
  explicit Router(const CorsPolicy& cors) : cors_(cors) {}

  // `method` is GET (which answers HEAD too), POST, DELETE...
  void add(std::string_view method, std::string_view pattern, Handler handler);
  void addStreaming(std::string_view method, std::string_view pattern, StreamHandler handler);
  // Does not own the endpoint.
  void addWebSocket(std::string path, WsEndpoint* endpoint);
  WsEndpoint* webSocketAt(std::string_view path) const;
  // The endpoint's path as the table holds it (it outlives the router's
  // users), for /metrics; empty when `path` is no WebSocket endpoint.
  std::string_view webSocketRoute(std::string_view path) const;
  void setFallback(Fallback fallback) { fallback_ = std::move(fallback); }

  // Answers a plain HTTP request, now or later through `responder`. A
  // WebSocket path asked without an upgrade gets the handshake's 400/426.
  // A streaming route's request that arrives here (its body was empty)
  // gets its stream opened and ended at once.
  void handle(const proto::HttpRequest& request, const HttpResponder& responder) const;
  // For the head of a request with a body: what opens the stream of the
  // streaming route that takes it; empty when none does (the body is then
  // collected, and handle() called with the whole request).
  StreamOpener streamFor(const proto::HttpRequest& head) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string_view> segments;  // into `pattern`
    Handler handler;
    StreamHandler stream;  // instead of `handler` on a streaming route
  };
  const std::pair<std::string, WsEndpoint*>* webSocketEntry(std::string_view path) const;
  // Whether `path` (split into segments) matches the route; fills `params`.
  static bool matches(const Route& route, const std::vector<std::string_view>& path, PathParams& params);

  const CorsPolicy& cors_;
  std::deque<Route> routes_;  // in the order added; Allow lists methods in that order
  std::deque<std::pair<std::string, WsEndpoint*>> webSockets_;  // a deque: webSocketRoute()'s views stay valid
  Fallback fallback_;
};

}  // namespace chatd::server
