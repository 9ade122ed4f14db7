// Outgoing TCP connections (chat-bench, tests): non-blocking connect, bound to
// a chosen source address when one is given, so a load generator can spread
// over 127.0.0.2..127.0.0.N when one source address runs out of ports.
#pragma once

#include "reactor/SocketAddress.h"

namespace chatd::reactor {

// Returns the socket (connecting, non-blocking, TCP_NODELAY) or -errno. The
// connect completes when the socket turns writable (TcpConnection::startConnecting).
int connectNonBlocking(const SocketAddress& to, const SocketAddress* from);

}  // namespace chatd::reactor
