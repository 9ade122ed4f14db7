#include "bench/Scenarios.h"

#include "bench/ChatScenarios.h"

#include <cstdlib>
#include <cstring>

namespace chatd::bench {

namespace {

constexpr char kStamp[] = "@ts=";

// How many messages a paced load owes at `nowUs`.
uint64_t dueAt(double rate, uint64_t startUs, uint64_t nowUs, uint64_t sentSoFar) {
  const auto due = static_cast<uint64_t>(rate * static_cast<double>(nowUs - startUs) / 1e6);
  return due > sentSoFar ? due - sentSoFar : 0;
}

}  // namespace

EchoRun::EchoRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate)
    : LoadRun(loop, options, firstIndex, count, rate), payload_(options.payloadBytes, 'x'), sendTimes_(count) {}

void EchoRun::sendOne(WsClient& client, uint64_t nowUs) {
  if (!client.send(proto::WsOpcode::kText, payload_)) return;
  sendTimes_[client.index()].push_back(nowUs);
  ++sentTotal_;
  if (measuring()) ++result_.sent;
}

void EchoRun::startLoad() {
  loadStartUs_ = nowUs();
  if (rate_ > 0) return;
  for (size_t i = 0; i < clientCount(); ++i) {
    if (client(i).open()) sendOne(client(i), loadStartUs_);
  }
}

void EchoRun::tick(uint64_t now) {
  if (rate_ <= 0) return;
  for (uint64_t n = dueAt(rate_, loadStartUs_, now, sentTotal_); n > 0; --n) {
    // Round robin over the open connections; give up the rest of the tick if none is open.
    size_t tries = 0;
    while (!client(nextClient_).open() && tries++ < clientCount()) nextClient_ = (nextClient_ + 1) % clientCount();
    if (!client(nextClient_).open()) return;
    sendOne(client(nextClient_), now);
    nextClient_ = (nextClient_ + 1) % clientCount();
  }
}

void EchoRun::onClientMessage(WsClient& c, proto::WsOpcode, std::span<const uint8_t>) {
  auto& times = sendTimes_[c.index()];
  if (times.empty()) return;
  const uint64_t now = nowUs();
  if (measuring()) {
    ++result_.received;
    result_.latency.record(now - times.front());
  }
  times.pop_front();
  if (rate_ <= 0) sendOne(c, now);
}

FanoutRun::FanoutRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count, double rate)
    : LoadRun(loop, options, firstIndex, count, rate), firstIndex_(firstIndex) {
  for (size_t i = 0; i < count && firstIndex + i < options.senders; ++i) senders_.push_back(i);
}

size_t FanoutRun::roomSize(size_t room) const {
  const size_t n = options_.connections, rooms = options_.rooms;
  return n / rooms + (room < n % rooms ? 1 : 0);
}

std::string FanoutRun::render(size_t room, uint64_t nowUs) {
  std::string text = options_.messageTemplate;
  auto replace = [&text](const char* key, const std::string& value) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, std::strlen(key), value);
    }
  };
  replace("{ts}", kStamp + std::to_string(nowUs) + "@");
  replace("{room}", std::to_string(room));
  replace("{seq}", std::to_string(++sequence_));
  return text;
}

void FanoutRun::startLoad() { loadStartUs_ = nowUs(); }

void FanoutRun::tick(uint64_t now) {
  if (senders_.empty()) return;
  for (uint64_t n = dueAt(rate_, loadStartUs_, now, sentTotal_); n > 0; --n) {
    const size_t local = senders_[nextSender_];
    nextSender_ = (nextSender_ + 1) % senders_.size();
    const size_t room = roomOf(firstIndex_ + local);
    ++sentTotal_;  // owed even if this sender is down, so the pace stays honest
    if (!client(local).send(proto::WsOpcode::kText, render(room, now))) continue;
    if (measuring()) {
      ++result_.sent;
      result_.expected += roomSize(room);
    }
  }
}

void FanoutRun::onClientMessage(WsClient&, proto::WsOpcode, std::span<const uint8_t> payload) {
  if (!measuring()) return;
  const void* at = memmem(payload.data(), payload.size(), kStamp, sizeof kStamp - 1);
  if (!at) return;
  const char* digits = static_cast<const char*>(at) + sizeof kStamp - 1;
  const char* end = reinterpret_cast<const char*>(payload.data()) + payload.size();
  uint64_t sentUs = 0;
  for (; digits < end && *digits >= '0' && *digits <= '9'; ++digits) sentUs = sentUs * 10 + static_cast<uint64_t>(*digits - '0');
  const uint64_t now = nowUs();
  ++result_.received;
  result_.latency.record(now > sentUs ? now - sentUs : 0);
}

std::unique_ptr<LoadRun> makeRun(reactor::EventLoop& loop, const Options& options, size_t firstIndex, size_t count,
                                 double rate) {
  if (options.isChat()) return std::make_unique<ChatRun>(loop, options, firstIndex, count, rate);
  if (options.scenario == "echo") return std::make_unique<EchoRun>(loop, options, firstIndex, count, rate);
  if (options.scenario == "fanout") return std::make_unique<FanoutRun>(loop, options, firstIndex, count, rate);
  return std::make_unique<HoldRun>(loop, options, firstIndex, count, rate);
}

}  // namespace chatd::bench
