#include "server/WebhookSender.h"

#include <openssl/rand.h>

#include <algorithm>
#include <random>
#include <utility>

#include "proto/Hex.h"
#include "proto/HmacSha256.h"
#include "proto/JsonWriter.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::server {

namespace {

constexpr uint64_t kDropLogEveryMs = 10'000;

std::string newEventId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Unique is what matters, not unpredictable: a process-wide generator will do.
    static std::mt19937_64 fallback{std::random_device{}()};
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(fallback());
  }
  return "evt_" + proto::lowerHex(bytes, sizeof bytes);
}

uint64_t backoffMs(uint32_t attemptsMade) {
  const uint64_t base = std::min(WebhookSender::kMaxRetryMs, WebhookSender::kFirstRetryMs << std::min(attemptsMade - 1, 16u));
  static std::minstd_rand jitter{std::random_device{}()};
  return base + jitter() % (base / 4 + 1);
}

}  // namespace

std::string webhookSignature(std::string_view secret, int64_t unixSeconds, std::string_view body) {
  const std::string t = std::to_string(unixSeconds);
  std::string signedText = t + ".";
  signedText += body;
  return "t=" + t + ",v1=" + proto::hmacSha256Hex(secret, signedText);
}

WebhookSender::WebhookSender(reactor::EventLoop& loop, WebhookOptions options)
    : loop_(loop), options_(std::move(options)), client_(loop, options_.target, options_.timeoutMs) {}

void WebhookSender::send(std::string_view type, std::string_view dataJson) {
  proto::JsonWriter body;
  body.beginObject().key("id").value(newEventId()).key("type").value(type);
  body.key("created_at").value(reactor::unixMs()).key("data").raw(dataJson).endObject();
  if (queue_.size() >= options_.maxQueued) {
    noteDropped();
    if (queue_.size() < 2) {
      stats_.queued = queue_.size();
      return;  // only the one in flight: the new event is the one dropped
    }
    queue_.erase(queue_.begin() + 1);
  }
  queue_.push_back({std::string(type), body.take(), 0});
  stats_.queued = queue_.size();
  deliverFront();
}

void WebhookSender::deliverFront() {
  if (queue_.empty() || client_.busy() || retry_.scheduled()) return;
  Event& event = queue_.front();
  if (event.attempts++ > 0) ++stats_.retried;
  const std::string headers = "X-Chatd-Event: " + event.type +
                              "\r\nX-Chatd-Signature: " + webhookSignature(options_.secret, reactor::unixSeconds(), event.body) +
                              "\r\n";
  client_.post(headers, event.body, [this](const HttpPostClient::Outcome& outcome) { answered(outcome); });
}

void WebhookSender::answered(const HttpPostClient::Outcome& outcome) {
  Event& event = queue_.front();
  if (outcome.status >= 200 && outcome.status < 300) {
    ++stats_.delivered;
  } else {
    const std::string why = outcome.status ? "answered " + std::to_string(outcome.status) : outcome.error;
    if (event.attempts < kMaxAttempts) {
      const uint64_t delay = backoffMs(event.attempts);
      LOG_WARN("webhook %s attempt %u failed (%s): retrying in %llu ms", event.type.c_str(), event.attempts,
                why.c_str(), static_cast<unsigned long long>(delay));
      loop_.scheduleTimer(retry_, delay);
      return;
    }
    ++stats_.failed;
    LOG_WARN("webhook %s dropped after %u attempts, the last one %s", event.type.c_str(), event.attempts,
             why.c_str());
  }
  queue_.pop_front();
  stats_.queued = queue_.size();
  deliverFront();
}

void WebhookSender::handleTimer(reactor::Timer&) { deliverFront(); }

void WebhookSender::noteDropped() {
  ++stats_.dropped;
  ++droppedUnlogged_;
  const uint64_t now = loop_.nowMs();
  if (lastDropLogMs_ != 0 && now - lastDropLogMs_ < kDropLogEveryMs) return;
  LOG_WARN("webhook queue full (%zu events): %llu events dropped", options_.maxQueued,
           static_cast<unsigned long long>(droppedUnlogged_));
  droppedUnlogged_ = 0;
  lastDropLogMs_ = now;
}

}  // namespace chatd::server
