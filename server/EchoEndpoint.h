// `--echo PATH`: sends every message back with its opcode. Used by the RFC
// 6455 conformance suite, interop tests and the echo benchmark.
#pragma once

#include "server/WsEndpoint.h"

namespace chatd::server {

class EchoEndpoint final : public WsEndpoint {
 public:
  void onOpen(WsSession&, const proto::HttpRequest&, std::any, const std::string&) override {}
  void onMessage(WsSession& session, proto::WsOpcode opcode, std::span<const uint8_t> payload) override {
    session.reply(opcode, payload);
  }
  void onClose(WsSession&) override {}
};

}  // namespace chatd::server
