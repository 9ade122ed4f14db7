// Why a benchmark connection failed, counted per cause in every report.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatd::bench {

enum class Failure : uint8_t {
  kNone,
  kConnectRefused,     // ECONNREFUSED: nothing listening, or the backlog overflowed
  kConnectTimeout,     // the connect or handshake took too long
  kNoSourcePort,       // EADDRNOTAVAIL: ephemeral ports exhausted for this source address
  kNoDescriptors,      // EMFILE/ENFILE in the generator
  kConnectError,       // another connect error
  kHandshakeRejected,  // not a valid 101
  kReset,              // the server reset or closed the connection unexpectedly
  kServerClose,        // the server sent a Close we did not ask for
  kProtocolError,      // the server broke RFC 6455
  kSendBackpressure,   // our own queue to the server was full
  kTlsFailed,          // wss://: the TLS handshake or a record failed (EPROTO): a certificate --ca refused, a plain server
  // The chat scenarios (chatd's protocol on /ws):
  kJoinFailed,         // an error answered join_room, or the session closed before joining
  kRateLimited,        // an error frame "rate_limited" (run chatd with --rate 0)
  kChatError,          // any other error frame
};

constexpr size_t kFailureKinds = 15;

const char* failureName(Failure failure);
Failure failureFromErrno(int err);

}  // namespace chatd::bench
