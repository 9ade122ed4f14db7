// How an HTTP handler answers: at once, or later, after work off the loop
// (a password hash on the worker pool) or a store write. The connection
// answers pipelined requests strictly in order, so it parses no further
// request until this one has been answered.
//
// Copyable: every copy refers to one pending answer. The first respond()
// counts, later ones are ignored, and nothing is sent if the connection has
// closed meanwhile (the connection detaches itself when it closes).
#pragma once

#include <memory>
#include <string>

#include "proto/HttpResponse.h"

namespace chatd::chat {

class HttpReplySink {
 public:
  virtual void deliverHttpResponse(proto::HttpResponse response) = 0;

 protected:
  ~HttpReplySink() = default;
};

class HttpResponder {
 public:
  struct State {
    HttpReplySink* sink;      // null once answered or once the connection closed
    std::string peerAddress;  // the client's IP, for throttling and logs
  };

  explicit HttpResponder(std::shared_ptr<State> state) : state_(std::move(state)) {}

  void respond(proto::HttpResponse response) const {
    HttpReplySink* sink = state_->sink;
    if (!sink) return;
    state_->sink = nullptr;
    sink->deliverHttpResponse(std::move(response));
  }
  bool connectionOpen() const { return state_->sink != nullptr; }
  const std::string& peerAddress() const { return state_->peerAddress; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace chatd::chat
