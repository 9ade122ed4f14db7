// Delivers signed JSON events to one webhook URL, at least once and in order:
// a bounded queue, one request in flight (HttpPostClient), a 2xx answer
// delivers the event at the front; anything else (another status, no
// answer within the timeout, a failed connect) retries it after a backoff
// of 1 s doubling to 60 s, each with up to a quarter more as jitter, for
// kMaxAttempts attempts, after which it is dropped and counted failed.
//
// Each event is {"id","type","created_at","data"}: the id (random, 128 bits)
// and the body stay the same over its retries; each attempt is signed anew,
// X-Chatd-Signature: t=UNIX_SECONDS,v1=hex(HMAC-SHA256(secret, "t." + body)).
//
// The queue holds at most maxQueued events, the one in flight included; a new
// event past that pushes out the oldest waiting one (the freshest news is
// the most useful), counted as dropped and logged at most every 10 s. So a
// receiver that hangs or is down costs chat neither time nor unbounded memory.
//
// Knows no chat: the events' types and data are the caller's. Owns the queue,
// the client and the retry timer; borrows the loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "server/HttpPostClient.h"

namespace chatd::server {

struct WebhookOptions {
  HttpPostTarget target;
  std::string secret;
  uint64_t timeoutMs = 10'000;
  size_t maxQueued = 10'000;
};

struct WebhookStats {
  uint64_t delivered = 0;  // answered 2xx
  uint64_t failed = 0;     // dropped after kMaxAttempts attempts
  uint64_t dropped = 0;    // pushed out of a full queue
  uint64_t retried = 0;    // attempts after the first
  size_t queued = 0;       // waiting or in flight now
};

// "t=UNIX_SECONDS,v1=HEX" for `body` sent at `unixSeconds`.
std::string webhookSignature(std::string_view secret, int64_t unixSeconds, std::string_view body);

class WebhookSender final : public reactor::TimerHandler {
 public:
  static constexpr uint32_t kMaxAttempts = 10;
  static constexpr uint64_t kFirstRetryMs = 1000;
  static constexpr uint64_t kMaxRetryMs = 60'000;

  WebhookSender(reactor::EventLoop& loop, WebhookOptions options);

  // Queues the event `type` with `dataJson` (a JSON value's text).
  void send(std::string_view type, std::string_view dataJson);
  const WebhookStats& stats() const { return stats_; }

  void handleTimer(reactor::Timer& timer) override;

 private:
  struct Event {
    std::string type;
    std::string body;
    uint32_t attempts = 0;
  };

  // Posts the front event, unless one is in flight or waiting for its retry.
  void deliverFront();
  void answered(const HttpPostClient::Outcome& outcome);
  void noteDropped();

  reactor::EventLoop& loop_;
  WebhookOptions options_;
  HttpPostClient client_;
  reactor::Timer retry_{this};
  std::deque<Event> queue_;  // the front is in flight or waiting for its retry
  WebhookStats stats_;
  uint64_t droppedUnlogged_ = 0;
  uint64_t lastDropLogMs_ = 0;
};

}  // namespace chatd::server
