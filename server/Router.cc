#include "server/Router.h"

#include "proto/WsHandshake.h"
#include "server/RequestCounts.h"

namespace chatd::server {

namespace {

// "/a/b/c" -> {"a", "b", "c"}; the empty segments of "//" or a trailing "/" are kept.
std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool isCapture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

constexpr std::string_view kHexCapture = ":hex}";

bool isLowerHex(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string_view PathParams::text(std::string_view name) const {
  for (const auto& [n, value] : texts_) {
    if (n == name) return value;
  }
  return {};
}

int64_t PathParams::id(std::string_view name) const {
  for (const auto& [n, value] : values_) {
    if (n == name) return value;
  }
  return 0;
}

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  Route& route = routes_.emplace_back(Route{std::string(method), std::string(pattern), {}, std::move(handler), {}});
  route.segments = splitPath(route.pattern);  // a deque's elements stay put: the views stay valid
}

void Router::addStreaming(std::string_view method, std::string_view pattern, StreamHandler handler) {
  Route& route = routes_.emplace_back(Route{std::string(method), std::string(pattern), {}, {}, std::move(handler)});
  route.segments = splitPath(route.pattern);
}

Router::StreamOpener Router::streamFor(const proto::HttpRequest& head) const {
  const std::vector<std::string_view> segments = splitPath(head.path());
  for (const Route& route : routes_) {
    PathParams params;
    if (!route.stream || route.method != head.method || !matches(route, segments, params)) continue;
    return [&route, params, head](const HttpResponder& responder) {
      responder.setRoute(route.pattern);
      return route.stream(head, params, responder);
    };
  }
  return {};
}

void Router::addWebSocket(std::string path, WsEndpoint* endpoint) {
  webSockets_.emplace_back(std::move(path), endpoint);
}

const std::pair<std::string, WsEndpoint*>* Router::webSocketEntry(std::string_view path) const {
  for (const auto& entry : webSockets_) {
    if (entry.first == path) return &entry;
  }
  return nullptr;
}

WsEndpoint* Router::webSocketAt(std::string_view path) const {
  const auto* entry = webSocketEntry(path);
  return entry ? entry->second : nullptr;
}

std::string_view Router::webSocketRoute(std::string_view path) const {
  const auto* entry = webSocketEntry(path);
  return entry ? std::string_view(entry->first) : std::string_view();
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& path, PathParams& params) {
  if (route.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string_view want = route.segments[i];
    if (!isCapture(want)) {
      if (want != path[i]) return false;
      continue;
    }
    if (want.ends_with(kHexCapture)) {
      if (!isLowerHex(path[i])) return false;
      params.addText(want.substr(1, want.size() - 1 - kHexCapture.size()), path[i]);
      continue;
    }
    const auto id = proto::parseId(path[i]);
    if (!id) return false;
    params.add(want.substr(1, want.size() - 2), *id);
  }
  return true;
}

void Router::handle(const proto::HttpRequest& request, const HttpResponder& responder) const {
  if (request.method == "OPTIONS") return responder.respond(cors_.preflight(request));
  const std::string_view path = request.path();
  const std::vector<std::string_view> segments = splitPath(path);
  std::string allow;  // the methods of the routes whose pattern matches, should none take this method
  for (const Route& route : routes_) {
    PathParams params;
    if (!matches(route, segments, params)) continue;
    responder.setRoute(route.pattern);
    // HEAD arrives as GET (Connection answers it without the body).
    if (route.method == request.method && route.stream) return route.stream(request, params, responder)->onBodyEnd();
    if (route.method == request.method) return route.handler(request, params, responder);
    if (!allow.empty()) allow += ", ";
    allow += route.method == "GET" ? "GET, HEAD" : route.method;
  }
  if (!allow.empty()) return responder.respond(proto::methodNotAllowed(allow));
  if (const std::string_view endpoint = webSocketRoute(path); !endpoint.empty()) {
    responder.setRoute(endpoint);
    // Not an upgrade, or not one llhttp recognised: say what is missing.
    return responder.respond(proto::evaluateWsHandshake(request, {}).response);
  }
  if (fallback_.serve) {
    if (request.method == "GET") {
      if (auto response = fallback_.serve(request)) {
        responder.setRoute(RequestCounts::kStaticRoute);
        return responder.respond(std::move(*response));
      }
    } else if (fallback_.has(path)) {
      return responder.respond(proto::methodNotAllowed("GET, HEAD"));
    }
  }
  responder.respond(proto::jsonError(404, "not_found", "no such path"));
}

}  // namespace chatd::server
