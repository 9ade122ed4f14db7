#include "app/Application.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "api/Metrics.h"
#include "api/Probes.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"
#include "store/StoreFactory.h"

namespace chatd::app {

Application::Application(reactor::EventLoop& loop, Config config)
    : loop_(loop),
      config_(std::move(config)),
      http_(loop, config_),
      signals_(loop, {SIGINT, SIGTERM, SIGHUP}, [this](int signo) {
        if (signo == SIGHUP) {
          // Not fatal, as it is by default: reload will come with the operations work.
          LOG_WARN("received SIGHUP: configuration reload is not supported yet, ignored");
          return;
        }
        LOG_INFO("received %s, shutting down", strsignal(signo));
        beginShutdown();
      }) {
  if (!config_.echoPath.empty()) http_.router().addWebSocket(config_.echoPath, &echo_);
  if (!config_.broadcastPath.empty()) http_.router().addWebSocket(config_.broadcastPath, &broadcast_);
}

bool Application::openStore(std::string& error) {
  if (::mkdir(config_.dataDir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + config_.dataDir + ": " + std::strerror(errno);
    return false;
  }
  // Password hashing and WAL checkpoints are the CPU- and fsync-heavy parts,
  // each in a lane of its own so a flood of logins never holds back a
  // checkpoint: hashing gets a thread per core (at least two), checkpoints
  // (one at a time) one thread.
  hashWorkers_ = std::make_unique<reactor::WorkerPool>(loop_, std::max(2u, std::thread::hardware_concurrency()));
  checkpointWorkers_ = std::make_unique<reactor::WorkerPool>(loop_, 1);
  store::StoreOptions options;
  options.dataDir = config_.dataDir;
  options.checkpointWorkers = checkpointWorkers_.get();
  if (!config_.redisUrl.empty()) {
    options.backend = "redis";
    options.redisUrl = config_.redisUrl;
    options.keyPrefix = config_.redisPrefix;
    options.presenceLeaseMs = config_.presenceLeaseMs;
  }
  store_ = store::openStore(loop_, options, error);
  if (store_) presence_ = store::openPresenceBoard(loop_, options, error);
  return store_ != nullptr && presence_ != nullptr;
}

bool Application::makeTokens(std::string& error) {
  std::string secret = config_.jwtSecret;
  if (secret.empty()) {
    auto stored = auth::TokenService::loadOrCreateSecret(config_.dataDir, error);
    if (!stored) return false;
    secret = std::move(*stored);
  }
  std::string publicKey;
  if (!config_.jwtPublicKeyFile.empty()) {
    std::ifstream in(config_.jwtPublicKeyFile);
    if (!in) {
      error = "cannot read --jwt-public-key " + config_.jwtPublicKeyFile;
      return false;
    }
    publicKey.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  tokens_ = auth::TokenService::create(std::move(secret), publicKey, config_.tokenTtlSeconds,
                                       {config_.jwtIssuer, config_.jwtAudience}, error);
  if (!tokens_) return false;
  identities_ = std::make_unique<auth::IdentityResolver>(*store_, *tokens_);
  return true;
}

void Application::assembleChat() {
  auth::Argon2Params argon2 = auth::kDefaultArgon2Params;
  argon2.memoryKiB = config_.argon2MemoryKiB;
  accounts_ = std::make_unique<api::AccountApi>(loop_, *store_, *hashWorkers_, config_.maxPendingHashes, *tokens_,
                                                *identities_, argon2, config_.registrationsPerHour);
  roomService_ = std::make_unique<chat::RoomService>(*store_);
  rooms_ = std::make_unique<api::RoomApi>(*store_, *roomService_, *accounts_, config_.roomsPerHour);
  hub_ = std::make_unique<chat::Hub>(loop_, *store_, *roomService_, bus_, *presence_, config_);
  chat_ = std::make_unique<chat::ChatEndpoint>(loop_, *hub_, *identities_, *tokens_, config_);
  messages_ = std::make_unique<api::MessageApi>(*store_, *roomService_, *accounts_, *hub_);
  roomService_->setMembershipEndedListener(
      [this](int64_t roomId, int64_t userId) { hub_->membershipEnded(roomId, userId); });
  accounts_->setLogoutListener([this](const std::string& key) { hub_->closeSessionsWithToken(key); });
  server::Router& router = http_.router();
  accounts_->addRoutes(router);
  messages_->addRoutes(router);
  rooms_->addRoutes(router);
  router.addWebSocket("/ws", chat_.get());
}

void Application::addProbes() {
  api::Probes probes;
  if (store_) {
    probes.ready = [this] { return store_->ready(); };
    probes.metrics = [this] { return api::metricsText(http_.connectionCount(), *hub_); };
  }
  api::addProbeRoutes(http_.router(), std::move(probes));
}

void Application::loadRevokedTokens(Started started) {
  const int64_t now = reactor::unixSeconds();
  store_->revokedTokens(now, [this, now, started = std::move(started)](store::StoreStatus status,
                                                                       const std::vector<store::RevokedToken>& revoked) {
    if (status != store::StoreStatus::kOk) return started("cannot read the revoked tokens from the store");
    for (const store::RevokedToken& token : revoked) tokens_->revoke(token.key, token.expiresAt, now);
    assembleChat();
    listen(started);
  });
}

bool Application::loadWebClient(std::string& error) {
  std::string root = config_.webRoot;
  if (root.empty()) {
    struct stat st;
    if (::stat("web", &st) != 0 || !S_ISDIR(st.st_mode)) return true;  // no web client: the API only
    root = "web";
  }
  webFiles_ = server::StaticFiles::load(root, error);
  if (!webFiles_) return false;
  http_.router().setFallback({[this](const proto::HttpRequest& request) { return webFiles_->serve(request); },
                               [this](std::string_view path) { return webFiles_->has(path); }});
  LOG_INFO("serving the web client from %s (%zu files)", root.c_str(), webFiles_->fileCount());
  return true;
}

void Application::start(Started started) {
  // Sharing the port (--reuse-port), a process serves only the endpoints that
  // keep no shared state: a chat split over processes would not deliver.
  if (config_.reusePort) return listen(started);
  std::string error;
  if (!openStore(error) || !makeTokens(error) || !loadWebClient(error)) return started(error);
  // Logouts are read before listening, so no logged-out token is let in
  // meanwhile; the store answers later in the loop, and startup goes on from there.
  loadRevokedTokens(std::move(started));
}

void Application::listen(const Started& started) {
  addProbes();
  std::string error;
  if (!http_.listen(error)) return started(error);
  const bool chat = !config_.reusePort;
  LOG_INFO("listening on %s (%s%s)", localAddress().toString().c_str(), chat ? "data in " : "echo and broadcast only",
           chat ? config_.dataDir.c_str() : "");
  started({});
}

void Application::beginShutdown() {
  // Waiting password checks would hold the exit until each was computed.
  if (accounts_) accounts_->stopHashing();
  http_.beginShutdown();
}

}  // namespace chatd::app
