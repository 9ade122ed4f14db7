// chatd's settings. main() parses them, Server reads them. Each field's
// initializer is its default; its flag, range and help are its entry in the
// option table (chat/Options.cc), which the parser and --help read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reactor/Log.h"

namespace chatd::chat {

struct Config {
  std::string listen = "127.0.0.1:8080";
  bool reusePort = false;  // echo and broadcast only: no chat, API or web client (parseCommandLine checks)
  size_t maxMessageBytes = 1024 * 1024;
  size_t maxQueueBytes = 1024 * 1024;
  uint64_t pingIntervalMs = 30'000;
  uint64_t pingTimeoutMs = 10'000;
  uint64_t handshakeTimeoutMs = 10'000;
  uint64_t drainTimeoutMs = 5'000;
  size_t maxConnections = 10'000;
  std::string dataDir = "./var";  // holds chatd.db and jwt.secret
  std::string jwtSecret;          // empty: the one in dataDir (created on first start)
  std::string jwtPublicKeyFile;   // PEM; empty: no RS256/ES256 tokens accepted
  std::string jwtIssuer;          // an app backend's tokens must carry this iss; empty: not checked
  std::string jwtAudience;        // ... and this aud; empty: not checked
  int64_t tokenTtlSeconds = 86'400;
  size_t maxBodyBytes = 1024 * 1024;
  std::vector<std::string> allowedOrigins;  // CORS and the WebSocket Origin check
  uint32_t argon2MemoryKiB = 64 * 1024;
  size_t maxPendingHashes = 16;  // password checks waiting for a worker; past it, 503
  // The chat protocol (GET /ws).
  size_t maxContentBytes = 4096;   // a message's content, UTF-8 bytes
  double ratePerSecond = 20;       // each user's token bucket, shared by its sessions; 0 = no limit
  double rateBurst = 40;
  // Quotas per user and per client address (0: no limit, except sessions and reactions).
  uint32_t roomsPerHour = 60;           // rooms one user creates per hour
  uint32_t maxReactionsPerMessage = 20; // distinct emoji one user puts on one message
  uint32_t maxSessionsPerUser = 32;     // open chat sessions (WebSockets) of one user
  uint32_t registrationsPerHour = 30;   // registration attempts per client address (IPv6: per /64)
  uint64_t stallTimeoutMs = 30'000;  // a session that reads nothing this long past its queue limit is closed
  // The web client's files; empty: ./web when that directory exists, else none.
  std::string webRoot;
  std::string echoPath;       // empty: no echo endpoint
  std::string broadcastPath;  // empty: no broadcast endpoint
  reactor::LogLevel logLevel = reactor::LogLevel::kInfo;
};

struct ParsedCommandLine {
  std::optional<Config> config;  // nullopt: exit with exitCode after printing `output`
  int exitCode = 0;
  std::string output;  // help, version or the error, for stdout (0) or stderr (2)
};

// Reads the flags in order: --help and --version stop at once; the first
// error stops with exit code 2.
ParsedCommandLine parseCommandLine(int argc, char** argv);
std::string usageText();  // --help's text, defaults from Config's initializers

}  // namespace chatd::chat
