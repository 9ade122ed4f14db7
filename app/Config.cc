#include "app/Config.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "auth/TokenService.h"
#include "proto/HttpRequest.h"
#include "reactor/SocketAddress.h"

namespace chatd::app {

namespace {

constexpr size_t kMaxMessageLimit = size_t{1} << 30;  // output blocks stay well under 4 GiB
constexpr size_t kMaxQueueLimit = size_t{1} << 30;    // an output queue counts its bytes in 32 bits

bool parseSize(std::string_view text, size_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Seconds, fractions allowed ("0.5"), into milliseconds.
bool parseSeconds(const std::string& text, uint64_t& outMs) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400 * 365) {
    return false;
  }
  outMs = static_cast<uint64_t>(std::llround(seconds * 1000));
  return outMs > 0;
}

// A positive decimal ("20", "0.5"); `allowZero` admits 0 too.
bool parseRate(const std::string& text, double& out, bool allowZero) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1e9) return false;
  out = value;
  return allowZero || value > 0;
}

// A count of at most a million; `allowZero` admits 0 (no limit) too.
bool parseCount(std::string_view text, uint32_t& out, bool allowZero) {
  size_t value = 0;
  if (!parseSize(text, value) || value > 1'000'000 || (value == 0 && !allowZero)) return false;
  out = static_cast<uint32_t>(value);
  return true;
}

ParsedCommandLine fail(std::string message) {
  ParsedCommandLine result;
  result.exitCode = 2;
  result.output = "chatd: " + message + "\nTry 'chatd --help'.\n";
  return result;
}

}  // namespace

std::string usageText() {
  return "Usage: chatd [OPTIONS]\n"
         "A real-time chat server: WebSocket chat and an HTTP API on one event loop.\n"
         "\n"
         "  --listen ADDR:PORT        address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
         "  --reuse-port              set SO_REUSEPORT so several chatd processes share the port; only with\n"
         "                            --echo or --broadcast, and then without chat, API or web client\n"
         "  --max-message BYTES       largest WebSocket message accepted (default 1048576)\n"
         "  --max-queue BYTES         output queued per connection before backpressure (default 1048576)\n"
         "  --ping-interval SECONDS   ping a WebSocket that has been silent this long (default 30)\n"
         "  --ping-timeout SECONDS    close it if nothing arrives this long after the ping (default 10)\n"
         "  --handshake-timeout SECONDS\n"
         "                            time allowed for a complete HTTP request or handshake (default 10)\n"
         "  --drain-timeout SECONDS   on SIGTERM/SIGINT, time given to close connections (default 5)\n"
         "  --max-connections N       open client connections at most (default 10000)\n"
         "  --data DIR                directory of the database and the JWT secret (default ./var)\n"
         "  --jwt-secret SECRET       HS256 secret (at least 32 bytes) shared with an app backend\n"
         "                            (default: generated into DIR/jwt.secret on first start)\n"
         "  --jwt-public-key FILE     PEM public key (RSA or EC P-256) for an app backend's RS256/ES256 tokens\n"
         "  --jwt-issuer ISS          an app backend's tokens must have this iss (default: not checked)\n"
         "  --jwt-audience AUD        an app backend's tokens must have this aud (default: not checked)\n"
         "  --token-ttl SECONDS       lifetime of the tokens chatd issues (default 86400)\n"
         "  --allow-origin ORIGIN     a browser origin (https://app.example) that may call the API;\n"
         "                            repeat, or separate with commas (default: none)\n"
         "  --max-body BYTES          largest HTTP request body (default 1048576)\n"
         "  --argon2-memory KIB       memory per password hash (default 65536)\n"
         "  --max-pending-hashes N    logins and registrations waiting for a hashing thread; more get 503\n"
         "                            (default 16)\n"
         "  --max-content BYTES       largest chat message content, UTF-8 bytes (default 4096)\n"
         "  --rate N                  chat messages per second per user, all sessions together, sustained\n"
         "                            (default 20; 0: no limit)\n"
         "  --burst N                 chat messages a user may send at once (default 40)\n"
         "  --rooms-per-hour N        rooms one user may create per hour (default 60; 0: no limit)\n"
         "  --max-reactions N         distinct reactions one user may put on one message (default 20)\n"
         "  --max-sessions-per-user N open chat sessions (WebSockets) of one user (default 32)\n"
         "  --registrations-per-hour N\n"
         "                            registration attempts per client address (IPv6: per /64) per hour\n"
         "                            (default 30; 0: no limit)\n"
         "  --stall-timeout SECONDS   close a session that reads nothing this long while its queue is full\n"
         "                            (default 30)\n"
         "  --web-root DIR            serve the web client from DIR at / (default ./web when it exists)\n"
         "  --echo PATH               serve a WebSocket echo endpoint at PATH (off by default)\n"
         "  --broadcast PATH          serve a WebSocket room broadcast at PATH?r=ROOM (off by default)\n"
         "  --log-level LEVEL         debug, info, warn or error (default info)\n"
         "  --help                    show this help\n"
         "  --version                 show the version\n";
}

ParsedCommandLine parseCommandLine(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    const bool takesValue = flag != "--help" && flag != "--version" && flag != "--reuse-port";
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (takesValue && flag.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return fail("option " + flag + " needs a value");
      value = argv[++i];
    }

    if (flag == "--help") {
      return {std::nullopt, 0, usageText()};
    } else if (flag == "--version") {
      return {std::nullopt, 0, std::string("chatd ") + CHATD_VERSION + "\n"};
    } else if (flag == "--reuse-port") {
      config.reusePort = true;
    } else if (flag == "--listen") {
      if (!reactor::SocketAddress::parse(value)) return fail("--listen wants ADDR:PORT, e.g. 127.0.0.1:8080, got '" + value + "'");
      config.listen = value;
    } else if (flag == "--max-message") {
      if (!parseSize(value, config.maxMessageBytes) || config.maxMessageBytes == 0 || config.maxMessageBytes > kMaxMessageLimit) {
        return fail("--max-message wants a byte count from 1 to 1073741824 (1 GiB)");
      }
    } else if (flag == "--max-queue") {
      if (!parseSize(value, config.maxQueueBytes) || config.maxQueueBytes < 1024 || config.maxQueueBytes > kMaxQueueLimit) {
        return fail("--max-queue wants a byte count from 1024 to 1073741824 (1 GiB)");
      }
    } else if (flag == "--max-connections") {
      if (!parseSize(value, config.maxConnections) || config.maxConnections == 0) return fail("--max-connections wants a positive number");
    } else if (flag == "--ping-interval") {
      if (!parseSeconds(value, config.pingIntervalMs)) return fail("--ping-interval wants a positive number of seconds");
    } else if (flag == "--ping-timeout") {
      if (!parseSeconds(value, config.pingTimeoutMs)) return fail("--ping-timeout wants a positive number of seconds");
    } else if (flag == "--handshake-timeout") {
      if (!parseSeconds(value, config.handshakeTimeoutMs)) return fail("--handshake-timeout wants a positive number of seconds");
    } else if (flag == "--drain-timeout") {
      if (!parseSeconds(value, config.drainTimeoutMs)) return fail("--drain-timeout wants a positive number of seconds");
    } else if (flag == "--data") {
      if (value.empty()) return fail("--data wants a directory");
      config.dataDir = value;
    } else if (flag == "--jwt-secret") {
      if (value.size() < 32) return fail("--jwt-secret wants at least 32 bytes");
      config.jwtSecret = value;
    } else if (flag == "--jwt-public-key") {
      config.jwtPublicKeyFile = value;
    } else if (flag == "--jwt-issuer") {
      // An app backend may not claim the iss of chatd's own tokens.
      if (value.empty() || value == auth::TokenService::kLocalIssuer) {
        return fail("--jwt-issuer wants a non-empty string other than '" + std::string(auth::TokenService::kLocalIssuer) + "'");
      }
      config.jwtIssuer = value;
    } else if (flag == "--jwt-audience") {
      if (value.empty()) return fail("--jwt-audience wants a non-empty string");
      config.jwtAudience = value;
    } else if (flag == "--token-ttl") {
      uint64_t ms = 0;
      if (!parseSeconds(value, ms) || ms < 1000) return fail("--token-ttl wants at least 1 second");
      config.tokenTtlSeconds = static_cast<int64_t>(ms / 1000);
    } else if (flag == "--allow-origin") {
      for (std::string_view origin : proto::splitHeaderList(value)) {
        if (origin.find("://") == std::string_view::npos || origin.back() == '/') {
          return fail("--allow-origin wants scheme://host[:port], no path, got '" + std::string(origin) + "'");
        }
        config.allowedOrigins.emplace_back(origin);
      }
    } else if (flag == "--max-body") {
      if (!parseSize(value, config.maxBodyBytes) || config.maxBodyBytes == 0) return fail("--max-body wants a positive byte count");
    } else if (flag == "--argon2-memory") {
      size_t kib = 0;
      if (!parseSize(value, kib) || kib < 8 || kib > 4 * 1024 * 1024) return fail("--argon2-memory wants 8 to 4194304 KiB");
      config.argon2MemoryKiB = static_cast<uint32_t>(kib);
    } else if (flag == "--max-pending-hashes") {
      if (!parseSize(value, config.maxPendingHashes) || config.maxPendingHashes == 0 || config.maxPendingHashes > 100'000) {
        return fail("--max-pending-hashes wants a number from 1 to 100000");
      }
    } else if (flag == "--max-content") {
      if (!parseSize(value, config.maxContentBytes) || config.maxContentBytes == 0 || config.maxContentBytes > 1024 * 1024) {
        return fail("--max-content wants a byte count from 1 to 1048576");
      }
    } else if (flag == "--rate") {
      if (!parseRate(value, config.ratePerSecond, true)) return fail("--rate wants a number of messages per second (0: no limit)");
    } else if (flag == "--burst") {
      if (!parseRate(value, config.rateBurst, false) || config.rateBurst < 1) return fail("--burst wants a number of at least 1");
    } else if (flag == "--rooms-per-hour" || flag == "--registrations-per-hour") {
      if (!parseCount(value, flag == "--rooms-per-hour" ? config.roomsPerHour : config.registrationsPerHour, true)) {
        return fail(flag + " wants a count per hour from 0 (no limit) to 1000000");
      }
    } else if (flag == "--max-reactions" || flag == "--max-sessions-per-user") {
      uint32_t& count = flag == "--max-reactions" ? config.maxReactionsPerMessage : config.maxSessionsPerUser;
      if (!parseCount(value, count, false)) {
        return fail(flag + " wants a count from 1 to 1000000");
      }
    } else if (flag == "--stall-timeout") {
      if (!parseSeconds(value, config.stallTimeoutMs)) return fail("--stall-timeout wants a positive number of seconds");
    } else if (flag == "--web-root") {
      if (value.empty()) return fail("--web-root wants a directory");
      config.webRoot = value;
    } else if (flag == "--echo" || flag == "--broadcast") {
      if (value.empty() || value[0] != '/') return fail(flag + " wants a path starting with '/'");
      (flag == "--echo" ? config.echoPath : config.broadcastPath) = value;
    } else if (flag == "--log-level") {
      if (!reactor::parseLogLevel(value.c_str(), config.logLevel)) return fail("--log-level wants debug, info, warn or error");
    } else {
      return fail("unknown option '" + flag + "'");
    }
  }
  if (config.reusePort && config.echoPath.empty() && config.broadcastPath.empty()) {
    // Until cluster mode exists, chat processes sharing a port would each keep
    // their own sessions: messages stored by one never reach the other's.
    return fail("--reuse-port is for --echo and --broadcast only: chat processes sharing a port would not "
                "deliver each other's messages");
  }
  return {config, 0, {}};
}

}  // namespace chatd::app
