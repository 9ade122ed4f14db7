// chatd's settings. main() parses them (CommandLine.h), Application reads them. Each field's
// initializer is its default (here or in a base); its flag, range and help are
// its entry in the option table (app/Options.cc), which the parser and --help read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chat/ChatOptions.h"
#include "reactor/Log.h"

namespace chatd::app {

// Every setting of chatd: the server's and the chat protocol's (the bases),
// the store, tokens and accounts, the web client and logging.
struct Config : chat::ChatOptions {
  // TLS on the listener (both or neither). The ticket secret is not a flag:
  // main() makes one before forking, so every worker resumes the others' sessions.
  std::string configFile;  // --config: the INI file the settings below may come from
  std::string tlsCertFile;
  std::string tlsKeyFile;
  std::string tlsTicketSecret;
  std::string dataDir = "./var";  // holds chatd.db and jwt.secret
  // Cluster mode: the Redis every node shares, or the shards it is spread
  // over, the first being the directory (empty: the embedded SQLite store).
  std::vector<std::string> redisUrls;
  std::string redisPrefix = "chatd:";  // every Redis key chatd writes starts with it
  std::string migrateTo;  // a Redis URL: copy dataDir's SQLite database there, verify, exit
  uint32_t workers = 0;                // > 0: a supervisor forking that many worker processes (needs redisUrls)
  uint64_t presenceLeaseMs = 5'000;    // a node's presence entries expire unless renewed within this
  std::string jwtSecret;          // empty: the one in dataDir (created on first start)
  std::string jwtSecretFile;      // where jwtSecret was read from (ConfigLoader), when it was
  std::string jwtPublicKeyFile;   // PEM; empty: no RS256/ES256 tokens accepted
  std::string jwtIssuer;          // an app backend's tokens must carry this iss; empty: not checked
  std::string jwtAudience;        // ... and this aud; empty: not checked
  std::string apiKeyFile;         // the admin API's keys (auth::ApiKeys); empty: no admin API
  std::string registration = "open";  // auth::RegistrationMode's name; one set through the admin API wins
  int64_t tokenTtlSeconds = 86'400;
  uint32_t argon2MemoryKiB = 64 * 1024;
  size_t maxPendingHashes = 16;  // password checks waiting for a worker; past it, 503
  uint32_t registrationsPerHour = 30;   // registration attempts per client address (IPv6: per /64); 0: no limit
  uint64_t maxUploadBytes = 25 * 1024 * 1024;  // one uploaded file (POST /api/v1/files)
  uint64_t uploadQuotaBytes = 1024 * 1024 * 1024;  // all of one user's uploads together; 0: no limit
  uint64_t fileGraceMs = 24 * 3600 * 1000;  // an upload no message refers to is collected after this (FileCollector)
  // Webhooks (docs/webhooks.md): events POSTed to this URL, signed with the
  // secret read from the file; empty: none sent.
  std::string webhookUrl;
  std::string webhookSecretFile;
  std::string webhookCaFile;           // PEM CAs for an https:// URL; empty: the system's
  uint64_t webhookTimeoutMs = 10'000;  // per attempt, connecting included
  uint32_t webhookQueue = 10'000;      // events waiting at most; past it the oldest are dropped
  // The web client's files; empty: ./web when that directory exists, else the
  // installed one (app/InstalledFiles.h), else none.
  std::string webRoot;
  // A second, private listener for /metrics, /healthz and /readyz; once
  // set, the public listener serves no /metrics. Empty: none.
  std::string metricsListen;
  reactor::LogLevel logLevel = reactor::LogLevel::kInfo;
  reactor::LogFormat logFormat = reactor::LogFormat::kText;
};

}  // namespace chatd::app
