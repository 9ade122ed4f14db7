// The HTTP/WebSocket server's settings: where it listens and what one
// connection may hold. Plain values; app/Config.h extends them with the
// layers above and parses them from flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chatd::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";
  bool reusePort = false;  // echo and broadcast only: no chat, API or web client (parseCommandLine checks)
  size_t maxMessageBytes = 1024 * 1024;
  bool deflate = true;          // accept permessage-deflate offers (RFC 7692)
  size_t deflateMinBytes = 64;  // a message smaller than this goes uncompressed
  size_t maxQueueBytes = 1024 * 1024;  // a connection's unsent output past which it is congested
  uint64_t pingIntervalMs = 30'000;
  uint64_t pingTimeoutMs = 10'000;
  uint64_t handshakeTimeoutMs = 10'000;
  uint64_t drainTimeoutMs = 5'000;
  size_t maxConnections = 10'000;
  uint32_t maxConnectionsPerAddress = 0;     // ClientLimits.h; 0: no limit
  uint32_t upgradesPerAddressPerMinute = 0;  // ClientLimits.h; 0: no limit
  size_t maxBodyBytes = 1024 * 1024;
  std::vector<std::string> allowedOrigins;  // CORS and the WebSocket Origin check
  // Reverse proxies (addresses or networks) believed about the client's
  // address (TrustedProxies.h); checked by the caller, as every option here.
  std::vector<std::string> trustedProxies;
  bool accessLog = true;      // a line per HTTP request and per WebSocket session end
  std::string echoPath;       // empty: no echo endpoint
  std::string broadcastPath;  // empty: no broadcast endpoint
};

}  // namespace chatd::server
