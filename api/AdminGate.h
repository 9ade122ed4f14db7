// The door of the admin API: a request passes with `Authorization: Bearer
// KEY` for a key of --api-key-file (auth::ApiKeys), else 401 with the API's
// JSON error body. Failed attempts are counted per client address (IPv6 per
// /64) in an auth::AttemptTable: past a few, the address waits a doubling
// delay (429, Retry-After) before any key it sends is even compared, so keys
// cannot be guessed at speed. Owns the throttle; borrows the keys.
#pragma once

#include <functional>

#include "auth/ApiKeys.h"
#include "auth/AttemptTable.h"
#include "proto/HttpRequest.h"
#include "reactor/EventLoop.h"
#include "server/HttpResponder.h"

namespace chatd::api {

class AdminGate {
 public:
  AdminGate(reactor::EventLoop& loop, const auth::ApiKeys& keys);

  // Calls `then` when the request carries a valid key; answers 401 or 429 itself otherwise.
  void admit(const proto::HttpRequest& request, const server::HttpResponder& responder, const std::function<void()>& then);

 private:
  reactor::EventLoop& loop_;
  const auth::ApiKeys& keys_;
  auth::AttemptTable failures_;
};

}  // namespace chatd::api
