// How an HTTP handler answers: at once, or later, after work off the loop
// (a password hash on the worker pool) or a store write. The connection
// answers pipelined requests strictly in order, so it parses no further
// request until this one has been answered.
//
// Copyable: every copy refers to one pending answer. The first respond()
// counts, later ones are ignored, and nothing is sent if the connection has
// closed meanwhile (the connection detaches itself when it closes, also when
// the client hangs up while its request is pending).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "proto/HttpResponse.h"

namespace chatd::server {

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
    std::string peerAddress;  // the client's IP (TrustedProxies::clientAddress), for throttling and logs
    std::function<void()> onAbandoned = {};  // see HttpResponder::onAbandoned()
    std::string_view route = "other";  // what answers it, for /metrics (RequestCounts); set by the Router

    // The connection closed before the answer: detach, and drop the work waiting for it.
    void abandon() {
      sink = nullptr;
      if (onAbandoned) std::exchange(onAbandoned, nullptr)();
    }
  };

  explicit HttpResponder(std::shared_ptr<State> state) : state_(std::move(state)) {}

  void respond(proto::HttpResponse response) const {
    HttpReplySink* sink = state_->sink;
    if (!sink) return;
    state_->sink = nullptr;
    sink->deliverHttpResponse(std::move(response));
  }
  bool connectionOpen() const { return state_->sink != nullptr; }
  // For an answer that waits on something else (a long-poll on the next
  // message): `drop` undoes the wait if the connection closes first, so a
  // client gone costs nothing until the wait would have ended. Replaces any
  // earlier one; not called once the answer is given.
  void onAbandoned(std::function<void()> drop) const { state_->onAbandoned = std::move(drop); }
  const std::string& peerAddress() const { return state_->peerAddress; }
  // `route` outlives the answer (a pattern in the route table, or a constant).
  void setRoute(std::string_view route) const { state_->route = route; }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace chatd::server
