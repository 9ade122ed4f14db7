#include "auth/AuthEvents.h"

#include <iterator>

#include "reactor/Log.h"

namespace chatd::auth {

using reactor::LogLevel;

namespace {
// One cause each, so that a flood of one does not hide the others.
reactor::LogLimiter failedLogins;
reactor::LogLimiter throttledLogins;
reactor::LogLimiter bannedLogins;
reactor::LogLimiter throttledRegistrations;
constexpr const char* kTokenUses[] = {"api", "logout", "websocket upgrade", "websocket auth", "admin api"};
reactor::LogLimiter refusedTokens[std::size(kTokenUses)];
}  // namespace

void logLoginSucceeded(std::string_view client, std::string_view username, int64_t userId) {
  LOG_EVENT(LogLevel::kInfo, "login", {"user", username}, {"user_id", userId}, {"client", client});
}

void logLoginFailed(std::string_view client, std::string_view username) {
  LOG_EVENT_LIMITED(failedLogins, LogLevel::kWarn, "login failed", {"user", username}, {"client", client});
}

void logLoginBanned(std::string_view client, std::string_view username, int64_t userId) {
  LOG_EVENT_LIMITED(bannedLogins, LogLevel::kWarn, "login refused: banned", {"user", username}, {"user_id", userId},
                    {"client", client});
}

void logLoginThrottled(std::string_view client, std::string_view username, uint64_t retryAfterSeconds) {
  LOG_EVENT_LIMITED(throttledLogins, LogLevel::kWarn, "login throttled", {"user", username}, {"retry_after", retryAfterSeconds},
                    {"client", client});
}

void logRegistered(std::string_view client, std::string_view username, int64_t userId) {
  LOG_EVENT(LogLevel::kInfo, "registered", {"user", username}, {"user_id", userId}, {"client", client});
}

void logRegistrationThrottled(std::string_view client, uint64_t retryAfterSeconds) {
  LOG_EVENT_LIMITED(throttledRegistrations, LogLevel::kWarn, "registration throttled", {"retry_after", retryAfterSeconds}, {"client", client});
}

void logLogout(std::string_view client, std::optional<int64_t> userId, std::string_view subject) {
  if (userId) {
    LOG_EVENT(LogLevel::kInfo, "logout", {"user_id", *userId}, {"client", client});
  } else {
    LOG_EVENT(LogLevel::kInfo, "logout", {"subject", subject}, {"client", client});
  }
}

void logTokenRefused(std::string_view client, TokenUse where, std::string_view reason) {
  const auto use = static_cast<size_t>(where);
  LOG_EVENT_LIMITED(refusedTokens[use], LogLevel::kWarn, "token refused", {"where", kTokenUses[use]}, {"reason", reason},
                    {"client", client});
}

}  // namespace chatd::auth
