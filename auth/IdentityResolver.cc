#include "auth/IdentityResolver.h"

#include "reactor/WallClock.h"

namespace chatd::auth {

void IdentityResolver::resolveToken(std::string_view token, std::function<void(Resolved)> done) {
  TokenService::Identity identity;
  const JwtError error = tokens_.authenticate(token, reactor::unixSeconds(), identity);
  if (error != JwtError::kNone) {
    Resolved refused;
    refused.reason = jwtErrorMessage(error);
    return done(std::move(refused));
  }
  resolveIdentity(std::move(identity), std::move(done));
}

void IdentityResolver::resolveIdentity(TokenService::Identity identity, std::function<void(Resolved)> done) {
  Resolved resolved;
  resolved.identity = std::move(identity);
  const std::optional<int64_t> userId = resolved.identity.userId;
  const std::string subject = resolved.identity.subject;
  const std::string name = resolved.identity.name;
  auto found = [resolved = std::move(resolved), done = std::move(done)](store::StoreStatus status,
                                                                        const store::User& user) mutable {
    if (status == store::StoreStatus::kOk && user.state != store::UserState::kActive) {
      resolved.reason = user.state == store::UserState::kBanned ? "the account is banned" : "the account is deleted";
    } else if (status == store::StoreStatus::kOk) {
      resolved.outcome = Resolved::Outcome::kOk;
      resolved.user = user;
    } else if (status == store::StoreStatus::kNotFound) {
      resolved.reason = "the token's user does not exist";
    } else {
      resolved.outcome = Resolved::Outcome::kUnavailable;
      resolved.reason = "the store is unavailable";
    }
    done(std::move(resolved));
  };
  if (userId) {
    store_.findUser(*userId, std::move(found));
  } else {
    store_.findOrCreateExternalUser(subject, name, std::move(found));
  }
}

}  // namespace chatd::auth
