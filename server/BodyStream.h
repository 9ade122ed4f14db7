// A request body taken as it arrives, by a route that must not hold a body
// whole in memory (an upload: Router::addStreaming). The connection feeds it
// the body (HttpBodySink::onBody, bytes valid during the call only), calls
// onBodyEnd() once the request is complete, and reads no more of the socket
// while full(), until the stream calls the callback given to onRoom().
//
// Owned by the connection while the body arrives; destroyed once the body
// has ended, the answer was given, or the connection closed. The work it
// started must therefore keep its own state: it answers through the
// HttpResponder, and hears of a closed connection from its onAbandoned().
// A stream may answer before the body has ended (a refusal): the connection
// then closes after the answer, since the rest of the body is never read.
#pragma once

#include <functional>
#include <utility>

#include "proto/HttpParser.h"

namespace chatd::server {

class BodyStream : public proto::HttpBodySink {
 public:
  virtual ~BodyStream() = default;

  virtual void onBodyEnd() = 0;
  virtual bool full() const = 0;
  // Set by the connection; the stream calls it when full() turned false,
  // outside any of its own calls' stack (from a completion).
  void onRoom(std::function<void()> room) { room_ = std::move(room); }

 protected:
  void roomAgain() const {
    if (room_) room_();
  }

 private:
  std::function<void()> room_;
};

}  // namespace chatd::server
