// A server::WsSession without a socket, for driving the hub in unit tests. Owns
// a real reactor::OutputQueue (so queueing, the limit and kRefused behave as a
// connection's do) and the record of every frame the hub sent, decoded by a
// client-side WsFrameParser to its text. Nothing is written anywhere: bytes
// stay queued until the test calls drain(), as a peer that reads nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/WsFrameParser.h"
#include "reactor/OutputQueue.h"
#include "server/WsEndpoint.h"

namespace chatd::test {

class FakeWsSession final : public server::WsSession, private proto::WsFrameSink {
 public:
  // Unlimited until setQueueLimit().
  FakeWsSession() : queue_(reactor::OutputQueue::kMaxBytes) {}
  FakeWsSession(const FakeWsSession&) = delete;
  FakeWsSession& operator=(const FakeWsSession&) = delete;

  // Congests the session: past `bytes` queued, sendShared() answers kRefused.
  void setQueueLimit(size_t bytes) { queue_.setLimit(bytes); }
  // The peer read everything queued: the queue empties and bytesAcked()
  // grows. The caller tells the hub (Hub::drained), as the connection would.
  void drain();
  // Whether the hub asked to hear when the queue drains (notifyWhenDrained).
  bool drainNotifyRequested() const { return drainNotifyRequested_; }

  // Every text frame sent so far, in order (replies and shared frames alike).
  const std::vector<std::string>& texts() const { return texts_; }
  std::optional<uint16_t> closeCode() const { return closeCode_; }
  const std::string& closeReason() const { return closeReason_; }

  // --- server::WsSession ---
  void reply(proto::WsOpcode opcode, std::span<const uint8_t> payload) override;
  reactor::OutputQueue::PushResult sendShared(const reactor::BlockRef& frame) override;
  size_t queuedBytes() const override { return queue_.bytes(); }
  uint64_t bytesAcked() const override { return bytesAcked_; }
  void notifyWhenDrained() override { drainNotifyRequested_ = true; }
  void close(uint16_t code, std::string_view reason) override;
  uint32_t messagesIn() const override { return 0; }
  uint32_t messagesOut() const override { return 0; }

 private:
  void record(const reactor::BlockRef& frame);
  // --- proto::WsFrameSink: the decoded frames ---
  void onWsMessage(proto::WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) override;
  void onWsPing(std::span<const uint8_t>) override {}
  void onWsPong(std::span<const uint8_t>) override {}
  void onWsClose(uint16_t, std::string_view) override {}
  void onWsProtocolError(uint16_t code, const char* reason) override;

  reactor::OutputQueue queue_;
  proto::WsFrameParser parser_{proto::WsFrameParser::Role::kClient, reactor::OutputQueue::kMaxBytes};
  std::vector<std::string> texts_;
  uint64_t bytesAcked_ = 0;
  bool drainNotifyRequested_ = false;
  std::optional<uint16_t> closeCode_;
  std::string closeReason_;
};

}  // namespace chatd::test
