// The auth events of the log, each with the client's address: logins
// (succeeded, failed, throttled), registrations, logouts and refused tokens.
// Names the user, never a password or a token. What a client can repeat at
// will (failures, throttling, refusals) is rate-limited per event
// (LOG_EVENT_LIMITED); successes are one line each.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chatd::auth {

void logLoginSucceeded(std::string_view client, std::string_view username, int64_t userId);
// Unknown user and wrong password alike: the client hears the same.
void logLoginFailed(std::string_view client, std::string_view username);
// The password was right, but the account is banned.
void logLoginBanned(std::string_view client, std::string_view username, int64_t userId);
void logLoginThrottled(std::string_view client, std::string_view username, uint64_t retryAfterSeconds);
void logRegistered(std::string_view client, std::string_view username, int64_t userId);
void logRegistrationThrottled(std::string_view client, uint64_t retryAfterSeconds);
// A token of ours names its user; an app backend's token its subject.
void logLogout(std::string_view client, std::optional<int64_t> userId, std::string_view subject);
// Where a token was presented.
enum class TokenUse { kApi, kLogout, kWebSocketUpgrade, kWebSocketAuth, kAdminApi };
// `reason`: what the client hears ("token expired", "token revoked", ...).
void logTokenRefused(std::string_view client, TokenUse where, std::string_view reason);

}  // namespace chatd::auth
