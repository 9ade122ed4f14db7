// Turns a presented bearer token into the user behind it, for the HTTP API
// and the WebSocket alike: verifies the token (TokenService), then finds its
// user, or creates the user an app backend's token names on first sight.
// A banned or deleted user's token is refused, at every use.
// Borrows the store and the token service.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "auth/TokenService.h"
#include "store/Store.h"

namespace chatd::auth {

class IdentityResolver {
 public:
  IdentityResolver(store::Store& store, const TokenService& tokens) : store_(store), tokens_(tokens) {}

  // What a presented token resolves to.
  struct Resolved {
    enum class Outcome { kOk, kUnauthorized, kUnavailable } outcome = Outcome::kUnauthorized;
    std::string reason;  // why not, for the client
    store::User user;
    TokenService::Identity identity;
  };
  // Verifies `token` and finds (or, for an app backend's subject, creates) its user.
  void resolveToken(std::string_view token, std::function<void(Resolved)> done);
  // The same for a token already verified (TokenService::authenticate).
  void resolveIdentity(TokenService::Identity identity, std::function<void(Resolved)> done);

 private:
  store::Store& store_;
  const TokenService& tokens_;
};

}  // namespace chatd::auth
