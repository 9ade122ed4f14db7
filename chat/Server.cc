#include "chat/Server.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "chat/Connection.h"
#include "chat/Metrics.h"
#include "chat/AccountApi.h"
#include "reactor/HeapTrim.h"
#include "reactor/Log.h"
#include "store/SqliteStore.h"

namespace chatd::chat {

namespace {
constexpr uint64_t kHeapCheckMs = 1000;
}  // namespace


Server::Server(reactor::EventLoop& loop, Config config)
    : loop_(loop),
      config_(std::move(config)),
      cors_(config_.allowedOrigins),
      router_(cors_),
      acceptor_(loop, [this](int fd) { onAccept(fd); }),
      signals_(loop, {SIGINT, SIGTERM, SIGHUP}, [this](int signo) {
        if (signo == SIGHUP) {
          // Not fatal, as it is by default: reload will come with the operations work.
          LOG_WARN("received SIGHUP: configuration reload is not supported yet, ignored");
          return;
        }
        LOG_INFO("received %s, shutting down", strsignal(signo));
        beginShutdown();
      }),
      busyResponse_(proto::serializeResponse(
          proto::jsonError(503, "overloaded", "too many connections, retry later").header("Retry-After", "1"), false)) {
  httpLimits_.maxBodyBytes = config_.maxBodyBytes;
  if (!config_.echoPath.empty()) router_.addWebSocket(config_.echoPath, &echo_);
  if (!config_.broadcastPath.empty()) router_.addWebSocket(config_.broadcastPath, &broadcast_);
}

Server::~Server() {
  // Close what the drain left open; each closed connection unlinks itself
  // and is freed by the loop, which outlives the server.
  while (connections_) connections_->abort();
}

bool Server::openStore(std::string& error) {
  if (::mkdir(config_.dataDir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + config_.dataDir + ": " + std::strerror(errno);
    return false;
  }
  auto sqlite = store::SqliteStore::open(loop_, config_.dataDir + "/chatd.db", error);
  if (!sqlite) return false;
  // Password hashing and WAL checkpoints are the CPU- and fsync-heavy parts,
  // each in a lane of its own so a flood of logins never holds back a
  // checkpoint: hashing gets a thread per core (at least two), checkpoints
  // (one at a time) one thread.
  hashWorkers_ = std::make_unique<reactor::WorkerPool>(loop_, std::max(2u, std::thread::hardware_concurrency()));
  checkpointWorkers_ = std::make_unique<reactor::WorkerPool>(loop_, 1);
  if (!sqlite->checkpointOn(*checkpointWorkers_, error)) return false;
  store_ = std::move(sqlite);
  std::string secret = config_.jwtSecret;
  if (secret.empty()) {
    auto stored = TokenService::loadOrCreateSecret(config_.dataDir, error);
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
  tokens_ = TokenService::create(std::move(secret), publicKey, config_.tokenTtlSeconds,
                                 {config_.jwtIssuer, config_.jwtAudience}, error);
  if (!tokens_) return false;
  Argon2Params argon2 = kDefaultArgon2Params;
  argon2.memoryKiB = config_.argon2MemoryKiB;
  accounts_ = std::make_unique<AccountApi>(loop_, *store_, *hashWorkers_, config_.maxPendingHashes, *tokens_, argon2,
                                           config_.registrationsPerHour);
  router_.setAccountApi(accounts_.get());
  rooms_ = std::make_unique<RoomApi>(*store_, *accounts_, config_.roomsPerHour);
  router_.setRoomApi(rooms_.get());
  if (!loadRevokedTokens(error)) return false;
  hub_ = std::make_unique<Hub>(loop_, *store_, bus_, config_);
  chat_ = std::make_unique<ChatEndpoint>(loop_, *hub_, *accounts_, *tokens_, config_);
  router_.addWebSocket("/ws", chat_.get());
  messages_ = std::make_unique<MessageApi>(*store_, *accounts_, *hub_);
  router_.setMessageApi(messages_.get());
  rooms_->setMembershipEndedListener(
      [this](int64_t roomId, int64_t userId) { hub_->membershipEnded(roomId, userId); });
  router_.setMetrics([this] { return metricsText(connectionCount_, *hub_); });
  accounts_->setLogoutListener([this](const std::string& key) { hub_->closeSessionsWithToken(key); });
  router_.setReadiness([this] { return store_->ready(); });
  return true;
}

bool Server::loadRevokedTokens(std::string& error) {
  const int64_t now = unixSeconds();
  bool loaded = false;
  store_->revokedTokens(now, [&](store::StoreStatus status, const std::vector<store::RevokedToken>& revoked) {
    if (status != store::StoreStatus::kOk) return;
    for (const store::RevokedToken& token : revoked) tokens_->revoke(token.key, token.expiresAt, now);
    loaded = true;
  });
  // Read before listening, so no logged-out token is let in meanwhile (the
  // embedded store answers reads at once).
  if (!loaded) error = "cannot read the revoked tokens from the store";
  return loaded;
}

bool Server::loadWebClient(std::string& error) {
  std::string root = config_.webRoot;
  if (root.empty()) {
    struct stat st;
    if (::stat("web", &st) != 0 || !S_ISDIR(st.st_mode)) return true;  // no web client: the API only
    root = "web";
  }
  webFiles_ = StaticFiles::load(root, error);
  if (!webFiles_) return false;
  router_.setStaticFiles(&*webFiles_);
  LOG_INFO("serving the web client from %s (%zu files)", root.c_str(), webFiles_->fileCount());
  return true;
}

bool Server::start(std::string& error) {
  // Sharing the port (--reuse-port), a process serves only the endpoints that
  // keep no shared state: a chat split over processes would not deliver.
  const bool chat = !config_.reusePort;
  if (chat && (!openStore(error) || !loadWebClient(error))) return false;
  const auto address = reactor::SocketAddress::parse(config_.listen);
  if (!address) {
    error = "bad listen address " + config_.listen;
    return false;
  }
  if (const int rc = acceptor_.listen(*address, config_.reusePort); rc < 0) {
    error = "cannot listen on " + config_.listen + ": " + std::strerror(-rc);
    return false;
  }
  loop_.scheduleTimer(heapTimer_, kHeapCheckMs);
  LOG_INFO("listening on %s (%s%s)", localAddress().toString().c_str(), chat ? "data in " : "echo and broadcast only",
           chat ? config_.dataDir.c_str() : "");
  return true;
}

void Server::onAccept(int fd) {
  if (shuttingDown_) {
    ::close(fd);
    return;
  }
  if (connectionCount_ >= config_.maxConnections) {
    // Best effort: a fresh socket's send buffer takes this at once.
    [[maybe_unused]] ssize_t n = ::send(fd, busyResponse_.data(), busyResponse_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
    return;
  }
  auto* connection = new Connection(*this, fd);
  if (connection->start() < 0) {
    delete connection;
    return;
  }
  connection->next = connections_;
  if (connections_) connections_->prev = connection;
  connections_ = connection;
  ++connectionCount_;
}

void Server::connectionClosed(Connection* connection) {
  if (connection->prev) connection->prev->next = connection->next;
  if (connection->next) connection->next->prev = connection->prev;
  if (connections_ == connection) connections_ = connection->next;
  connection->prev = connection->next = nullptr;
  --connectionCount_;
  loop_.destroyLater(std::unique_ptr<Connection>(connection));
  if (shuttingDown_ && connectionCount_ == 0) loop_.stop();
}

void Server::beginShutdown() {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  acceptor_.close();
  // Waiting password checks would hold the exit until each was computed.
  if (accounts_) accounts_->stopHashing();
  if (connectionCount_ == 0) return loop_.stop();
  LOG_INFO("closing %zu connections (drain timeout %llu ms)", connectionCount_,
           static_cast<unsigned long long>(config_.drainTimeoutMs));
  // shutdown() may close a connection at once, unlinking it: walk a copy of the links.
  for (Connection* c = connections_; c;) {
    Connection* next = c->next;
    c->shutdown();
    c = next;
  }
  loop_.scheduleTimer(drainTimer_, config_.drainTimeoutMs);
}

void Server::handleTimer(reactor::Timer& timer) {
  if (&timer == &heapTimer_) {
    reactor::trimHeapIfWorthIt();
    loop_.scheduleTimer(heapTimer_, kHeapCheckMs);
    return;
  }
  LOG_WARN("drain timeout: %zu connections still open, closing them", connectionCount_);
  loop_.stop();
}

}  // namespace chatd::chat
