#include "server/CorsPolicy.h"

namespace chatd::server {

namespace {
constexpr const char* kMethods = "GET, POST, PATCH, DELETE, OPTIONS";
}  // namespace

bool CorsPolicy::allows(std::string_view origin) const {
  for (const std::string& allowed : allowed_) {
    // Scheme and host are case-insensitive; an exact match after that.
    if (proto::equalsIgnoreCase(allowed, origin)) return true;
  }
  return false;
}

bool CorsPolicy::refusesWebSocket(const proto::HttpRequest& request, std::string_view scheme) const {
  if (allowed_.empty()) return false;
  const auto origin = request.header("origin");
  if (!origin || allows(*origin)) return false;
  // Same origin: the client's scheme, "://", then exactly the Host the request was sent to.
  const auto host = request.header("host");
  const bool sameOrigin = host && origin->size() == scheme.size() + 3 + host->size() &&
                          proto::equalsIgnoreCase(origin->substr(0, scheme.size()), scheme) &&
                          origin->substr(scheme.size(), 3) == "://" &&
                          proto::equalsIgnoreCase(origin->substr(scheme.size() + 3), *host);
  return !sameOrigin;
}

std::optional<std::string> CorsPolicy::allowedOrigin(const proto::HttpRequest& request) const {
  const auto origin = request.header("origin");
  if (!origin || !allows(*origin)) return std::nullopt;
  return std::string(*origin);
}

proto::HttpResponse CorsPolicy::preflight(const proto::HttpRequest& request) const {
  proto::HttpResponse response;
  response.status = 204;
  if (!request.header("origin")) return response.header("Allow", kMethods);
  if (!allowedOrigin(request)) return proto::jsonError(403, "forbidden", "this origin may not call the API");
  // Access-Control-Allow-Origin itself is added to every answer for an allowed Origin.
  response.header("Access-Control-Allow-Methods", kMethods);
  response.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
  response.header("Access-Control-Max-Age", "600");
  return response;
}

void CorsPolicy::decorate(proto::HttpResponse& response, const std::string& origin) {
  response.header("Access-Control-Allow-Origin", origin);
  response.header("Access-Control-Expose-Headers", "Retry-After");
  // Caches must keep answers for different origins apart.
  response.header("Vary", "Origin");
}

}  // namespace chatd::server
