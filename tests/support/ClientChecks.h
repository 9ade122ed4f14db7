// Checks over WsTestClient that read as one step in a test, each returning an
// AssertionResult that says what arrived instead.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/support/WsTestClient.h"

namespace chatd::testing {

inline constexpr std::string_view kHealthzRequest = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// Connects and completes one GET /healthz, leaving a kept-alive HTTP connection.
inline ::testing::AssertionResult keptAliveAfterHealthz(WsTestClient& client, int port) {
  if (!client.connect(port)) return ::testing::AssertionFailure() << "connect failed";
  if (!client.sendRaw(kHealthzRequest)) return ::testing::AssertionFailure() << "send failed";
  const HttpReply reply = client.readHttpReply();
  if (reply.status != 200) return ::testing::AssertionFailure() << "GET /healthz answered " << reply.status;
  return ::testing::AssertionSuccess();
}

// The next frame is a final, unmasked `opcode` frame carrying exactly `payload`.
inline ::testing::AssertionResult receivesFrame(WsTestClient& client, uint8_t opcode, std::string_view payload,
                                                int timeoutMs = 5000) {
  auto frame = client.readFrame(timeoutMs);
  if (!frame) return ::testing::AssertionFailure() << "no frame (opcode " << int{opcode} << " expected)";
  if (frame->opcode != opcode) {
    return ::testing::AssertionFailure() << "opcode " << int{frame->opcode} << " instead of " << int{opcode}
                                         << (frame->opcode == 0x8 ? " (close code " + std::to_string(frame->closeCode()) + ")" : "");
  }
  if (!frame->fin || frame->masked || frame->rsv != 0) return ::testing::AssertionFailure() << "bad frame flags";
  if (frame->payload != payload) {
    return ::testing::AssertionFailure() << "payload of " << frame->payload.size() << " bytes differs from the "
                                         << payload.size() << " expected";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace chatd::testing
