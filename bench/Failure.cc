#include "bench/Failure.h"

#include <cerrno>

namespace chatd::bench {

const char* failureName(Failure failure) {
  switch (failure) {
    case Failure::kNone: return "none";
    case Failure::kConnectRefused: return "connect_refused";
    case Failure::kConnectTimeout: return "timeout";
    case Failure::kNoSourcePort: return "no_source_port";
    case Failure::kNoDescriptors: return "no_descriptors";
    case Failure::kConnectError: return "connect_error";
    case Failure::kHandshakeRejected: return "handshake_rejected";
    case Failure::kReset: return "reset";
    case Failure::kServerClose: return "server_close";
    case Failure::kProtocolError: return "protocol_error";
    case Failure::kSendBackpressure: return "send_backpressure";
    case Failure::kTlsFailed: return "tls_failed";
    case Failure::kJoinFailed: return "join_failed";
    case Failure::kRateLimited: return "rate_limited";
    case Failure::kChatError: return "chat_error";
  }
  return "unknown";
}

Failure failureFromErrno(int err) {
  switch (err) {
    case ECONNREFUSED: return Failure::kConnectRefused;
    case ETIMEDOUT: return Failure::kConnectTimeout;
    case EADDRNOTAVAIL:
    case EADDRINUSE: return Failure::kNoSourcePort;
    case EMFILE:
    case ENFILE: return Failure::kNoDescriptors;
    case ECONNRESET:
    case EPIPE: return Failure::kReset;
    case EPROTO: return Failure::kTlsFailed;  // TcpConnection's word for a TLS failure
    default: return Failure::kConnectError;
  }
}

}  // namespace chatd::bench
