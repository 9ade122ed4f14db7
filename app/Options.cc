// The table of chatd's options: each flag's name, value, field, range and help, once.
#include <algorithm>

#include "app/Option.h"
#include "auth/RegistrationPolicy.h"
#include "auth/TokenService.h"
#include "proto/HttpUrl.h"
#include "proto/IceServers.h"
#include "reactor/SocketAddress.h"
#include "server/TrustedProxies.h"
#include "store/redis/RedisUrl.h"

namespace chatd::app {

namespace {

constexpr uint64_t kMaxMessageLimit = uint64_t{1} << 30;  // output blocks stay well under 4 GiB
constexpr uint64_t kMaxQueueLimit = uint64_t{1} << 30;    // an output queue counts its bytes in 32 bits
constexpr uint64_t kMaxCount = 1'000'000;                 // a quota beyond it is a typo
constexpr uint64_t kMaxRate = 1'000'000'000;
constexpr uint64_t kMaxHistory = 100'000'000;             // messages per room; a Redis room of that is GiBs

// What the options of one kind want, said once for all of them.
constexpr std::string_view kPositiveSeconds = "a positive number of seconds";
constexpr std::string_view kBytesUpToGiB = "a byte count from {min} to {max} (1 GiB)";
constexpr std::string_view kCountRange = "a count from {min} to {max}";
constexpr std::string_view kCountPerHour = "a count per hour from {min} (no limit) to {max}";
constexpr std::string_view kLogLevels = "debug, info, warn or error";
constexpr std::string_view kLogFormats = "text or json";

// The checks of text options (Option::Check): "" or what the option wants.

std::string address(std::string_view value) {
  if (reactor::SocketAddress::parse(value)) return {};
  return "ADDR:PORT, e.g. 127.0.0.1:8080, got '" + std::string(value) + "'";
}

std::string directory(std::string_view value) { return value.empty() ? "a directory" : ""; }

std::string hs256Secret(std::string_view value) { return value.size() < 32 ? "at least 32 bytes" : ""; }

// An app backend may not claim the iss of chatd's own tokens.
std::string appIssuer(std::string_view value) {
  if (!value.empty() && value != auth::TokenService::kLocalIssuer) return {};
  return "a non-empty string other than '" + std::string(auth::TokenService::kLocalIssuer) + "'";
}

std::string redisUrl(std::string_view value) {
  if (store::parseRedisUrl(value)) return {};
  return "redis://[:password@]host[:port][/db] or unix:///path, got '" + std::string(value) + "'";
}

std::string registrationMode(std::string_view value) {
  return auth::registrationModeNamed(value) ? "" : "open, closed or invite";
}

std::string httpUrl(std::string_view value) {
  std::string error;
  if (proto::HttpUrl::parse(value, error)) return {};
  return "http[s]://host[:port][/path] (" + error + "), got '" + std::string(value) + "'";
}

std::string nonEmpty(std::string_view value) { return value.empty() ? "a non-empty string" : ""; }

std::string origin(std::string_view value) {
  if (value.find("://") != std::string_view::npos && value.back() != '/') return {};
  return "scheme://host[:port], no path, got '" + std::string(value) + "'";
}

std::string proxyNetwork(std::string_view value) {
  std::string error;
  return server::TrustedProxies::parse({std::string(value)}, error) ? "" : error;
}

std::string urlPath(std::string_view value) {
  return value.empty() || value[0] != '/' ? "a path starting with '/'" : "";
}

using enum OptionType;
using enum Reload;

constexpr Option kOptions[] = {
    {.name = "config", .valueName = "FILE", .type = kText, .field = &Config::configFile,
     .help = "read settings from this INI file (chatd.conf(5)): a key per option, the flag's name with '_' for "
             "'-'; CHATD_ environment variables override it, flags override both",
     .defaultNote = "default: none", .check = nonEmpty, .commandLineOnly = true},
    {.name = "check-config", .type = kCheckConfig,
     .help = "check the configuration (file, environment and flags), print every problem, exit 0 if none, else 1"},
    {.name = "print-config", .type = kPrintConfig,
     .help = "print the configuration in effect as a config file (secrets redacted) and exit"},
    {.name = "listen", .valueName = "ADDR:PORT", .type = kText, .field = &Config::listen,
     .help = "address to listen on", .defaultNote = "port 0 picks one", .check = address},
    {.name = "metrics-listen", .valueName = "ADDR:PORT", .type = kText, .field = &Config::metricsListen,
     .help = "serve /metrics, /healthz and /readyz on this second (private) address too, and /metrics no longer "
             "on --listen; not with --workers",
     .defaultNote = "default: /metrics on --listen", .check = address},
    {.name = "reuse-port", .type = kSwitch, .field = &Config::reusePort,
     .help = "set SO_REUSEPORT so several chatd processes share the port; with --redis (cluster nodes), "
             "or else only with --echo or --broadcast, and then without chat, API or web client"},
    {.name = "tls-cert", .valueName = "FILE", .type = kText, .field = &Config::tlsCertFile,
     .help = "serve HTTPS and wss:// with this PEM certificate (the chain may follow it in the file); "
             "reloaded on SIGHUP",
     .defaultNote = "default: plain HTTP", .check = nonEmpty, .reload = kTls},
    {.name = "tls-key", .valueName = "FILE", .type = kText, .field = &Config::tlsKeyFile,
     .help = "the PEM private key of --tls-cert; reloaded on SIGHUP", .check = nonEmpty, .secretFile = true,
     .reload = kTls},
    {.name = "max-message", .valueName = "BYTES", .type = kBytes, .field = &Config::maxMessageBytes,
     .help = "largest WebSocket message accepted", .min = 1, .max = kMaxMessageLimit, .wants = kBytesUpToGiB,
     .reload = kInPlace},
    {.name = "deflate", .valueName = "on|off", .type = kOnOff, .field = &Config::deflate,
     .help = "accept permessage-deflate (RFC 7692) when a WebSocket client offers it"},
    {.name = "deflate-min-size", .valueName = "BYTES", .type = kBytes, .field = &Config::deflateMinBytes,
     .help = "send messages smaller than this uncompressed, also to clients that negotiated compression",
     .max = kMaxMessageLimit, .wants = kBytesUpToGiB},
    {.name = "max-queue", .valueName = "BYTES", .type = kBytes, .field = &Config::maxQueueBytes,
     .help = "output queued per connection before backpressure", .min = 1024, .max = kMaxQueueLimit,
     .wants = kBytesUpToGiB},
    {.name = "ping-interval", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::pingIntervalMs,
     .help = "ping a WebSocket that has been silent this long", .min = 1, .wants = kPositiveSeconds,
     .reload = kInPlace},
    {.name = "ping-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::pingTimeoutMs,
     .help = "close it if nothing arrives this long after the ping", .min = 1, .wants = kPositiveSeconds,
     .reload = kInPlace},
    {.name = "handshake-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::handshakeTimeoutMs,
     .help = "time allowed for a complete HTTP request or handshake", .min = 1, .wants = kPositiveSeconds,
     .reload = kInPlace},
    {.name = "drain-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::drainTimeoutMs,
     .help = "on SIGTERM/SIGINT, time given to close connections", .min = 1, .wants = kPositiveSeconds,
     .reload = kInPlace},
    {.name = "reconnect-spread", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::reconnectSpreadMs,
     .help = "on SIGTERM/SIGINT, tell each chat session to reconnect after a random delay of up to this many "
             "seconds (server_restarting), so a restart does not bring every client back at once",
     .max = 3'600'000, .wants = "a number of seconds from 0 to 3600", .reload = kInPlace},
    {.name = "max-connections", .valueName = "N", .type = kCount, .field = &Config::maxConnections,
     .help = "open client connections at most", .min = 1, .wants = "a positive number", .reload = kInPlace},
    {.name = "max-connections-per-ip", .valueName = "N", .type = kCount, .field = &Config::maxConnectionsPerAddress,
     .help = "open connections per client address (IPv6: per /64) at most", .defaultNote = "0: no limit",
     .max = kMaxCount, .wants = "a count from {min} (no limit) to {max}", .reload = kHttpServer},
    {.name = "upgrades-per-ip-per-minute", .valueName = "N", .type = kCount,
     .field = &Config::upgradesPerAddressPerMinute,
     .help = "WebSocket upgrades per client address (IPv6: per /64) per minute", .defaultNote = "0: no limit",
     .max = kMaxCount, .wants = "a count per minute from {min} (no limit) to {max}", .reload = kHttpServer},
    {.name = "data", .valueName = "DIR", .type = kText, .field = &Config::dataDir,
     .help = "directory of the database and the JWT secret", .check = directory},
    {.name = "history-max", .valueName = "N", .type = kCount, .field = &Config::historyMax,
     .help = "keep each room's newest N messages and delete older ones (their reactions too); history then "
             "says where a room starts",
     .defaultNote = "0: keep every message", .max = kMaxHistory, .wants = "a count from {min} (keep all) to {max}"},
    {.name = "redis", .valueName = "URL", .type = kList, .field = &Config::redisUrls,
     .help = "run as one node of a cluster sharing this Redis: redis://[:password@]host[:port][/db] or "
             "unix:///path/redis.sock;\nrepeat, or separate with commas, to shard the rooms over several (the "
             "first also holds the accounts; every node needs the same list in the same order)",
     .defaultNote = "off: the embedded SQLite store", .check = redisUrl, .secret = true},
    {.name = "redis-prefix", .valueName = "PREFIX", .type = kText, .field = &Config::redisPrefix,
     .help = "the start of every Redis key chatd writes, so that several chat servers can share one Redis",
     .check = nonEmpty},
    {.name = "migrate-to", .valueName = "URL", .type = kText, .field = &Config::migrateTo,
     .help = "copy the SQLite database of --data into this empty Redis (under --redis-prefix) for cluster "
             "mode, verify the counts and exit: 0 with a summary, 1 with the reason",
     .check = redisUrl, .secret = true},
    {.name = "workers", .valueName = "N", .type = kCount, .field = &Config::workers,
     .help = "run a supervisor that forks N worker processes sharing the port (SO_REUSEPORT) and restarts "
             "those that die; needs --redis and a --listen port other than 0",
     .defaultNote = "0: one process", .max = 256, .wants = kCountRange},
    {.name = "presence-lease", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::presenceLeaseMs,
     .help = "cluster mode: how long a node's presence entries outlive it; a dead node's users are announced "
             "gone within three leases",
     .min = 1, .wants = kPositiveSeconds},
    {.name = "jwt-secret", .valueName = "SECRET", .type = kText, .field = &Config::jwtSecret,
     .help = "HS256 secret (at least 32 bytes) shared with an app backend; any local user sees it in ps: "
             "prefer --jwt-secret-file",
     .defaultNote = "default: DIR/jwt.secret, or with --redis one for all nodes",
     .check = hs256Secret, .secret = true, .reload = kTokens},
    {.name = "jwt-secret-file", .valueName = "FILE", .type = kText, .field = &Config::jwtSecretFile,
     .help = "read the HS256 secret of --jwt-secret from this file (one line; a final newline is ignored)",
     .check = nonEmpty, .secretFile = true, .reload = kTokens},
    {.name = "jwt-public-key", .valueName = "FILE", .type = kText, .field = &Config::jwtPublicKeyFile,
     .help = "PEM public key (RSA or EC P-256) for an app backend's RS256/ES256 tokens", .reload = kTokens},
    {.name = "jwt-issuer", .valueName = "ISS", .type = kText, .field = &Config::jwtIssuer,
     .help = "an app backend's tokens must have this iss", .defaultNote = "default: not checked", .check = appIssuer,
     .reload = kTokens},
    {.name = "jwt-audience", .valueName = "AUD", .type = kText, .field = &Config::jwtAudience,
     .help = "an app backend's tokens must have this aud", .defaultNote = "default: not checked", .check = nonEmpty,
     .reload = kTokens},
    {.name = "api-key-file", .valueName = "FILE", .type = kText, .field = &Config::apiKeyFile,
     .help = "keys of the admin API, one per line (at least 16 bytes each)",
     .defaultNote = "default: no admin API", .check = nonEmpty},
    {.name = "registration", .valueName = "MODE", .type = kText, .field = &Config::registration,
     .help = "who may register: open, closed or invite (admin API invites);\n"
             "a mode set through the admin API wins until it is cleared",
     .check = registrationMode},
    {.name = "token-ttl", .valueName = "SECONDS", .type = kSeconds, .field = &Config::tokenTtlSeconds,
     .help = "lifetime of the tokens chatd issues", .min = 1, .wants = "at least {min} second", .reload = kTokens},
    {.name = "allow-origin", .valueName = "ORIGIN", .type = kList, .field = &Config::allowedOrigins,
     .help = "a browser origin (https://app.example) that may call the API;\nrepeat, or separate with commas",
     .defaultNote = "default: none", .check = origin, .reload = kHttpServer},
    {.name = "trusted-proxy", .valueName = "CIDR", .type = kList, .field = &Config::trustedProxies,
     .help = "a reverse proxy (address or network) whose X-Forwarded-For\nand X-Real-IP name the client; repeat, or separate with commas",
     .defaultNote = "default: none, those headers are ignored", .check = proxyNetwork, .reload = kHttpServer},
    {.name = "max-body", .valueName = "BYTES", .type = kBytes, .field = &Config::maxBodyBytes,
     .help = "largest HTTP request body", .min = 1, .wants = "a positive byte count", .reload = kHttpServer},
    {.name = "max-upload", .valueName = "BYTES", .type = kBytes, .field = &Config::maxUploadBytes,
     .help = "largest uploaded file (POST /api/v1/files)", .min = 1, .wants = "a positive byte count"},
    {.name = "upload-quota", .valueName = "BYTES", .type = kBytes, .field = &Config::uploadQuotaBytes,
     .help = "bytes of all one user's uploads together", .defaultNote = "0: no limit",
     .wants = "a byte count (0: no limit)"},
    {.name = "file-grace", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::fileGraceMs,
     .help = "how long an upload no message refers to is kept", .min = 1, .wants = kPositiveSeconds},
    {.name = "argon2-memory", .valueName = "KIB", .type = kCount, .field = &Config::argon2MemoryKiB,
     .help = "memory per password hash", .min = 8, .max = 4 * 1024 * 1024, .wants = "{min} to {max} KiB"},
    {.name = "max-pending-hashes", .valueName = "N", .type = kCount, .field = &Config::maxPendingHashes,
     .help = "logins and registrations waiting for a hashing thread; more get 503", .min = 1, .max = 100'000,
     .wants = "a number from {min} to {max}"},
    {.name = "max-content", .valueName = "BYTES", .type = kBytes, .field = &Config::maxContentBytes,
     .help = "largest chat message content, UTF-8 bytes", .min = 1, .max = 1024 * 1024,
     .wants = "a byte count from {min} to {max}", .reload = kInPlace},
    {.name = "rate", .valueName = "N", .type = kRate, .field = &Config::ratePerSecond,
     .help = "chat messages per second per user, all sessions together, sustained", .defaultNote = "0: no limit",
     .max = kMaxRate, .wants = "a number of messages per second (0: no limit)", .reload = kInPlace},
    {.name = "burst", .valueName = "N", .type = kRate, .field = &Config::rateBurst,
     .help = "chat messages a user may send at once", .min = 1, .max = kMaxRate, .wants = "a number of at least {min}",
     .reload = kInPlace},
    {.name = "rooms-per-hour", .valueName = "N", .type = kCount, .field = &Config::roomsPerHour,
     .help = "rooms one user may create per hour", .defaultNote = "0: no limit", .max = kMaxCount,
     .wants = kCountPerHour, .reload = kQuotas},
    {.name = "max-reactions", .valueName = "N", .type = kCount, .field = &Config::maxReactionsPerMessage,
     .help = "distinct reactions one user may put on one message", .min = 1, .max = kMaxCount, .wants = kCountRange,
     .reload = kInPlace},
    {.name = "max-sessions-per-user", .valueName = "N", .type = kCount, .field = &Config::maxSessionsPerUser,
     .help = "open chat sessions (WebSockets) of one user", .min = 1, .max = kMaxCount, .wants = kCountRange,
     .reload = kInPlace},
    {.name = "registrations-per-hour", .valueName = "N", .type = kCount, .field = &Config::registrationsPerHour,
     .help = "registration attempts per client address (IPv6: per /64) per hour", .defaultNote = "0: no limit",
     .max = kMaxCount, .wants = kCountPerHour, .reload = kQuotas},
    {.name = "stall-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::stallTimeoutMs,
     .help = "close a session that reads nothing this long while its queue is full", .min = 1,
     .wants = kPositiveSeconds, .reload = kInPlace},
    {.name = "ice-servers", .valueName = "JSON", .type = kText, .field = &Config::iceServersJson,
     .help = "the STUN/TURN servers clients use for calls, sent in every session's welcome: the JSON of "
             "RTCConfiguration.iceServers, e.g. [{\"urls\":\"stun:stun.example.org:3478\"}]",
     .defaultNote = "[]: none (calls connect on local networks only)", .check = proto::iceServersProblem,
     .reload = kInPlace},
    {.name = "call-ring-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::callRingTimeoutMs,
     .help = "how long an unanswered call rings before it ends as missed", .min = 1, .max = 600'000,
     .wants = "a number of seconds from 0.001 to 600", .reload = kInPlace},
    {.name = "webhook-url", .valueName = "URL", .type = kText, .field = &Config::webhookUrl,
     .help = "POST signed JSON events (messages, members joining and leaving, users online and offline) to "
             "this http:// or https:// URL; see docs/webhooks.md",
     .defaultNote = "off by default", .check = httpUrl},
    {.name = "webhook-secret-file", .valueName = "FILE", .type = kText, .field = &Config::webhookSecretFile,
     .help = "the file holding the secret that signs every webhook (X-Chatd-Signature); needs --webhook-url",
     .check = nonEmpty, .secretFile = true},
    {.name = "webhook-ca-file", .valueName = "FILE", .type = kText, .field = &Config::webhookCaFile,
     .help = "trust the CAs in this PEM file, not the system's, for an https:// --webhook-url",
     .defaultNote = "default: the system's trusted CAs", .check = nonEmpty},
    {.name = "webhook-timeout", .valueName = "SECONDS", .type = kMilliseconds, .field = &Config::webhookTimeoutMs,
     .help = "give up on a webhook attempt that has no answer this long after it began, and retry it later",
     .min = 1, .wants = kPositiveSeconds},
    {.name = "webhook-queue", .valueName = "N", .type = kCount, .field = &Config::webhookQueue,
     .help = "webhook events waiting at most; past it the oldest waiting one is dropped (counted in /metrics)",
     .min = 1, .max = kMaxCount, .wants = kCountRange},
    {.name = "web-root", .valueName = "DIR", .type = kText, .field = &Config::webRoot,
     .help = "serve the web client from DIR at /", .defaultNote = "default ./web if there, else the installed PREFIX/share/chatd/web", .check = directory},
    {.name = "echo", .valueName = "PATH", .type = kText, .field = &Config::echoPath,
     .help = "serve a WebSocket echo endpoint at PATH", .defaultNote = "off by default", .check = urlPath},
    {.name = "broadcast", .valueName = "PATH", .type = kText, .field = &Config::broadcastPath,
     .help = "serve a WebSocket room broadcast at PATH?r=ROOM", .defaultNote = "off by default", .check = urlPath},
    {.name = "log-level", .valueName = "LEVEL", .type = kLogLevel, .field = &Config::logLevel, .help = kLogLevels,
     .wants = kLogLevels, .reload = kLogging},
    {.name = "log-format", .valueName = "FORMAT", .type = kLogFormat, .field = &Config::logFormat,
     .help = "text, or json: one object per line", .wants = kLogFormats,
     .reload = kLogging},
    {.name = "access-log", .valueName = "on|off", .type = kOnOff, .field = &Config::accessLog,
     .help = "a line per HTTP request and per WebSocket session end (info level)", .reload = kInPlace},
    {.name = "help", .type = kHelp, .help = "show this help"},
    {.name = "version", .type = kVersion, .help = "show the version"},
};

template <typename Member>
constexpr bool holds(const Option& option) {
  return std::holds_alternative<Member>(option.field);
}

// The field holds what the type parses, and a 32-bit field's range fits in it.
constexpr bool fieldFitsType(const Option& option) {
  switch (option.type) {
    case kSwitch:
    case kOnOff: return holds<bool Config::*>(option);
    case kText: return holds<std::string Config::*>(option);
    case kList: return holds<std::vector<std::string> Config::*>(option);
    case kBytes:
    case kMilliseconds: return holds<uint64_t Config::*>(option);
    case kCount: return holds<uint64_t Config::*>(option) || (holds<uint32_t Config::*>(option) && option.max <= UINT32_MAX);
    case kSeconds: return holds<int64_t Config::*>(option);
    case kRate: return holds<double Config::*>(option);
    case kLogLevel: return holds<reactor::LogLevel Config::*>(option);
    case kLogFormat: return holds<reactor::LogFormat Config::*>(option);
    case kHelp:
    case kVersion:
    case kCheckConfig:
    case kPrintConfig: return holds<std::monostate>(option);
  }
  return false;
}

constexpr bool namesAreUnique() {
  for (size_t i = 0; i < std::size(kOptions); ++i) {
    for (size_t j = i + 1; j < std::size(kOptions); ++j) {
      if (kOptions[i].name == kOptions[j].name) return false;
    }
  }
  return true;
}

static_assert(std::ranges::all_of(kOptions, fieldFitsType), "an option's field does not hold what its type parses");
static_assert(namesAreUnique(), "two options share a name");

}  // namespace

std::span<const Option> configOptions() { return kOptions; }

const Option* optionNamed(std::string_view name) {
  const auto found = std::ranges::find(kOptions, name, &Option::name);
  return found == std::end(kOptions) ? nullptr : &*found;
}

const Option* optionWithKey(std::string_view key) {
  const auto found = std::ranges::find_if(
      kOptions, [key](const Option& option) { return option.isKey() && option.key() == key; });
  return found == std::end(kOptions) ? nullptr : &*found;
}

}  // namespace chatd::app
