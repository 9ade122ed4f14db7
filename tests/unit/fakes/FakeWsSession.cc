#include "tests/unit/fakes/FakeWsSession.h"

#include <gtest/gtest.h>

#include <vector>

#include "server/ServerFrames.h"

namespace chatd::test {

void FakeWsSession::drain() {
  bytesAcked_ += queue_.bytes();
  queue_.clear();
  drainNotifyRequested_ = false;
}

void FakeWsSession::reply(proto::WsOpcode opcode, std::span<const uint8_t> payload) {
  const reactor::BlockRef frame = server::makeServerFrame(opcode, payload);
  ASSERT_TRUE(queue_.pushUnbounded(frame));
  record(frame);
}

reactor::OutputQueue::PushResult FakeWsSession::sendShared(const reactor::BlockRef& frame) {
  const reactor::OutputQueue::PushResult result = queue_.push(frame);
  if (result != reactor::OutputQueue::PushResult::kRefused) record(frame);
  return result;
}

void FakeWsSession::close(uint16_t code, std::string_view reason) {
  closeCode_ = code;
  closeReason_ = reason;
}

void FakeWsSession::record(const reactor::BlockRef& frame) {
  std::vector<uint8_t> bytes(frame.data(), frame.data() + frame.size());
  parser_.feed(bytes, *this);
}

void FakeWsSession::onWsMessage(proto::WsOpcode opcode, std::span<const uint8_t> payload, bool compressed) {
  EXPECT_EQ(opcode, proto::WsOpcode::kText);
  EXPECT_FALSE(compressed);
  texts_.emplace_back(payload.begin(), payload.end());
}

void FakeWsSession::onWsProtocolError(uint16_t code, const char* reason) {
  ADD_FAILURE() << "the hub sent a malformed frame (" << code << "): " << reason;
}

}  // namespace chatd::test
