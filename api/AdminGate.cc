#include "api/AdminGate.h"

#include "auth/AuthEvents.h"
#include "reactor/AddressKey.h"

namespace chatd::api {

namespace {

// An operator's script with a stale key fails a few times; a guesser, millions.
constexpr auth::BackoffPolicy kFailedKeyBackoff{.freeFailures = 10, .firstDelayMs = 1'000, .maxDelayMs = 15 * 60 * 1'000};

}  // namespace

AdminGate::AdminGate(reactor::EventLoop& loop, const auth::ApiKeys& keys)
    : loop_(loop), keys_(keys), failures_(kFailedKeyBackoff) {}

void AdminGate::admit(const proto::HttpRequest& request, const server::HttpResponder& responder,
                      const std::function<void()>& then) {
  const std::string address = reactor::addressKey(responder.peerAddress());
  const uint64_t nowMs = loop_.nowMs();
  if (const uint64_t until = failures_.refusedUntilMs(address); until > nowMs) {
    const uint64_t seconds = (until - nowMs + 999) / 1000;
    auth::logTokenRefused(responder.peerAddress(), auth::TokenUse::kAdminApi, "too many failed API keys");
    return responder.respond(proto::jsonError(429, "rate_limited", "too many failed API keys, retry later")
                                 .header("Retry-After", std::to_string(seconds)));
  }
  const auto key = proto::bearerToken(request);
  if (!key || !keys_.accepts(*key)) {
    failures_.recordFailure(address, nowMs);
    auth::logTokenRefused(responder.peerAddress(), auth::TokenUse::kAdminApi, key ? "wrong API key" : "no API key");
    return responder.respond(
        proto::jsonError(401, "unauthorized", "send Authorization: Bearer API_KEY (--api-key-file)")
            .header("WWW-Authenticate", "Bearer"));
  }
  then();
}

}  // namespace chatd::api
