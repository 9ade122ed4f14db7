#include "app/Application.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "auth/FileUrls.h"
#include "api/Metrics.h"
#include "api/Probes.h"
#include "app/ConfigDiff.h"
#include "app/InstalledFiles.h"
#include "app/ServiceStatus.h"
#include "reactor/Log.h"
#include "reactor/WallClock.h"
#include "store/StoreFactory.h"

namespace chatd::app {

Application::Application(reactor::EventLoop& loop, Config config, ConfigSource reread)
    : loop_(loop),
      config_(std::move(config)),
      reread_(std::move(reread)),
      registration_(auth::registrationModeNamed(config_.registration).value_or(auth::RegistrationMode::kOpen)),
      http_(loop, config_),
      signals_(loop, {SIGINT, SIGTERM, SIGHUP}, [this](int signo) {
        if (signo == SIGHUP) return reload();
        LOG_INFO("received %s, shutting down", strsignal(signo));
        beginShutdown();
      }),
      notifier_(loop) {
  if (!config_.echoPath.empty()) http_.router().addWebSocket(config_.echoPath, &echo_);
  if (!config_.broadcastPath.empty()) http_.router().addWebSocket(config_.broadcastPath, &broadcast_);
}

store::StoreOptions Application::storeOptions() {
  store::StoreOptions options;
  options.dataDir = config_.dataDir;
  options.historyMax = config_.historyMax;
  options.checkpointWorkers = checkpointWorkers_.get();
  options.metrics = &storeMetrics_;
  if (!config_.redisUrls.empty()) {
    options.backend = "redis";
    options.redisUrls = config_.redisUrls;
    options.keyPrefix = config_.redisPrefix;
    options.presenceLeaseMs = config_.presenceLeaseMs;
  }
  return options;
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
  fileWorkers_ = std::make_unique<reactor::WorkerPool>(loop_, 1);
  blobs_ = std::make_unique<store::FileBlobs>(config_.dataDir + "/files");
  if (!blobs_->prepare(error)) return false;
  const store::StoreOptions options = storeOptions();
  store_ = store::openStore(loop_, options, error);
  if (!store_) return false;
  bus_ = store::openBus(loop_, options, error);
  if (bus_) presence_ = store::openPresenceBoard(loop_, options, error);
  return presence_ != nullptr;
}

void Application::withJwtSecret(std::function<void(std::optional<std::string>, const std::string&)> done) {
  if (!config_.jwtSecret.empty()) return done(config_.jwtSecret, {});
  std::string error;
  if (config_.redisUrls.empty()) {
    std::optional<std::string> stored = auth::TokenService::loadOrCreateSecret(config_.dataDir, error);
    return done(std::move(stored), error);
  }
  // Every node signs alike: the first one's candidate wins.
  const std::optional<std::string> candidate = auth::TokenService::newSecret(error);
  if (!candidate) return done(std::nullopt, error);
  store::fetchClusterSecret(loop_, storeOptions(), *candidate, std::move(done));
}

bool Application::readPublicKey(std::string& pem, std::string& error) const {
  pem.clear();
  if (config_.jwtPublicKeyFile.empty()) return true;
  std::ifstream in(config_.jwtPublicKeyFile);
  if (!in) {
    error = "cannot read --jwt-public-key " + config_.jwtPublicKeyFile;
    return false;
  }
  pem.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool Application::makeTokens(std::string secret, std::string& error) {
  std::string publicKey;
  if (!readPublicKey(publicKey, error)) return false;
  secretFromConfig_ = !config_.jwtSecret.empty();
  config_.fileUrlKey = auth::fileUrlKey(secret);
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
                                                *identities_, argon2, config_.registrationsPerHour, registration_);
  roomService_ = std::make_unique<chat::RoomService>(*store_);
  rooms_ = std::make_unique<api::RoomApi>(*store_, *roomService_, *accounts_, config_.roomsPerHour);
  hub_ = std::make_unique<chat::Hub>(loop_, *store_, *roomService_, *bus_, *presence_, config_);
  chat_ = std::make_unique<chat::ChatEndpoint>(loop_, *hub_, *identities_, *tokens_, config_);
  messages_ = std::make_unique<api::MessageApi>(*store_, *roomService_, *accounts_, *hub_);
  users_ = std::make_unique<api::UserApi>(*store_, *accounts_, *hub_);
  files_ = std::make_unique<api::FileApi>(api::UploadServices{
      *store_, *accounts_, *fileWorkers_, *blobs_, {config_.maxUploadBytes, config_.uploadQuotaBytes}, config_.fileUrlKey});
  fileCollector_ = std::make_unique<api::FileCollector>(loop_, *store_, *fileWorkers_, *blobs_, config_.fileGraceMs);
  avatars_ = std::make_unique<api::AvatarApi>(*store_, *blobs_);
  hub_->webhooks().setSender(webhooks_.sender.get());
  roomService_->setWebhooks(&hub_->webhooks());
  roomService_->setMembershipEndedListener(
      [this](int64_t roomId, int64_t userId) { hub_->membershipEnded(roomId, userId); });
  accounts_->setLogoutListener([this](const std::string& key) { hub_->closeSessionsWithToken(key); });
  accounts_->setProfileListener([this](const store::User& user) { hub_->profileChanged(user); });
  server::Router& router = http_.router();
  accounts_->addRoutes(router);
  messages_->addRoutes(router);
  users_->addRoutes(router);
  files_->addRoutes(router);
  avatars_->addRoutes(router);
  rooms_->addRoutes(router);
  if (apiKeys_) {
    admin_ = std::make_unique<api::AdminApi>(loop_, *apiKeys_, *store_, *hub_, registration_);
    admin_->addRoutes(router);
  }
  router.addWebSocket("/ws", chat_.get());
  polls_ = std::make_unique<server::PollSessions>(loop_, *chat_, config_, http_.clientLimits());
  polls_->addRoutes(router, "/api/v1/poll");
}

std::string Application::metrics() const {
  std::optional<bool> redisUp;
  if (!config_.redisUrls.empty()) redisUp = store_->ready() && bus_->unavailableReason().empty();
  const server::WebhookStats* webhooks = webhooks_.sender ? &webhooks_.sender->stats() : nullptr;
  return api::metricsText(
      {loop_, http_, *hub_, *accounts_, *rooms_, storeMetrics_, redisUp, webhooks, *fileCollector_, polls_->size()});
}

void Application::addProbes() {
  api::Probes probes;
  if (store_) probes.notReady = [this] { return store_->ready() ? bus_->unavailableReason() : "the store is not usable"; };
  if (private_) api::addProbeRoutes(http_.router(), probes);  // the probes alone: no /metrics in public
  if (store_) probes.metrics = [this] { return metrics(); };
  api::addProbeRoutes(private_ ? private_->router() : http_.router(), std::move(probes));
}

bool Application::listenPrivately(std::string& error) {
  if (config_.metricsListen.empty()) return true;
  privateOptions_ = config_;
  privateOptions_.listen = config_.metricsListen;
  privateOptions_.reusePort = false;
  private_ = std::make_unique<server::HttpServer>(loop_, privateOptions_);
  return private_->listen(error);
}

void Application::loadRevokedTokens(Started started) {
  const int64_t now = reactor::unixSeconds();
  store_->revokedTokens(now, [this, now, started = std::move(started)](store::StoreStatus status,
                                                                       const std::vector<store::RevokedToken>& revoked) {
    if (status != store::StoreStatus::kOk) return started("cannot read the revoked tokens from the store");
    for (const store::RevokedToken& token : revoked) tokens_->revoke(token.key, token.expiresAt, now);
    warnOfRegistrationOverride();
    assembleChat();
    listen(started);
  });
}

void Application::warnOfRegistrationOverride() {
  registration_.current(*store_, [this](store::StoreStatus status, auth::RegistrationSetting setting) {
    const bool overridden = setting.fromAdminApi && setting.mode != registration_.configured();
    if (status != store::StoreStatus::kOk || !overridden) return;
    LOG_WARN("registration is %s, as set through the admin API, not --registration %s (DELETE "
             "/api/v1/admin/registration goes back to it)",
             std::string(auth::registrationModeName(setting.mode)).c_str(),
             std::string(auth::registrationModeName(registration_.configured())).c_str());
  });
}

bool Application::loadWebClient(std::string& error) {
  std::string root = config_.webRoot;
  if (root.empty()) {
    struct stat st;
    root = ::stat("web", &st) == 0 && S_ISDIR(st.st_mode) ? "web" : installedWebRoot();
    if (root.empty()) return true;  // no web client: the API only
  }
  webFiles_ = server::StaticFiles::load(root, error);
  if (!webFiles_) return false;
  http_.router().setFallback({[this](const proto::HttpRequest& request) { return webFiles_->serve(request); },
                               [this](std::string_view path) { return webFiles_->has(path); }});
  LOG_INFO("serving the web client from %s (%zu files)", root.c_str(), webFiles_->fileCount());
  return true;
}

bool Application::loadApiKeys(std::string& error) {
  if (config_.apiKeyFile.empty()) return true;
  std::string warning;
  apiKeys_ = auth::ApiKeys::load(config_.apiKeyFile, error, warning);
  if (!apiKeys_) return false;
  if (!warning.empty()) LOG_WARN("%s", warning.c_str());
  LOG_INFO("admin API on: %zu API key(s) from %s", apiKeys_->size(), config_.apiKeyFile.c_str());
  return true;
}

void Application::reloadApiKeys() {
  if (!apiKeys_) return;
  std::string error, warning;
  if (!apiKeys_->reload(error, warning)) {
    LOG_ERROR("API keys not reloaded, keeping the previous ones: %s", error.c_str());
    return;
  }
  if (!warning.empty()) LOG_WARN("%s", warning.c_str());
  LOG_INFO("API keys reloaded: %zu key(s)", apiKeys_->size());
}

bool Application::openTls(std::string& error) {
  if (config_.tlsCertFile.empty()) return true;
  reactor::TlsServerOptions options{config_.tlsCertFile, config_.tlsKeyFile, config_.tlsTicketSecret,
                                    server::HttpServer::plainHttpOnTlsPort()};
  tls_ = reactor::TlsContext::forServer(std::move(options), error);
  if (!tls_) return false;
  http_.secureWith(tls_.get());
  LOG_INFO("TLS on: %s", tls_->summary().c_str());
  return true;
}

bool Application::reloadTls() {
  if (!tls_) {
    if (config_.tlsCertFile.empty()) return true;
    LOG_WARN("reload: TLS cannot be turned on without a restart");
    return false;
  }
  std::string error;
  if (!tls_->reload(config_.tlsCertFile, config_.tlsKeyFile, error)) {
    LOG_ERROR("reload: TLS certificate not reloaded, still serving the previous one: %s", error.c_str());
    return false;
  }
  LOG_INFO("reload: TLS certificate reloaded: %s", tls_->summary().c_str());
  return true;
}

bool Application::reloadTokens() {
  if (!tokens_) return true;  // echo and broadcast only: no tokens
  std::string error;
  std::string publicKey;
  const bool fromConfig = !config_.jwtSecret.empty();
  if (!fromConfig && secretFromConfig_) {
    error = "going back to the stored JWT secret (no jwt_secret) needs a restart";
  } else if (readPublicKey(publicKey, error) &&
             tokens_->rekey(fromConfig ? std::optional(config_.jwtSecret) : std::nullopt, publicKey,
                            config_.tokenTtlSeconds, {config_.jwtIssuer, config_.jwtAudience}, error)) {
    secretFromConfig_ = fromConfig;
    // Signed download URLs follow the secret: those minted before stop working.
    if (fromConfig) config_.fileUrlKey = auth::fileUrlKey(config_.jwtSecret);
    return true;
  }
  LOG_ERROR("reload: JWT keys not reloaded, still using the previous ones: %s", error.c_str());
  return false;
}

bool Application::applyReload(Reload step) {
  std::string error;
  switch (step) {
    case Reload::kRestart:
    case Reload::kInPlace:
      return true;
    case Reload::kLogging:
      reactor::configureLog({.level = config_.logLevel, .format = config_.logFormat});
      return true;
    case Reload::kHttpServer:
      if (http_.applyOptions(error)) return true;
      LOG_ERROR("reload: %s", error.c_str());
      return false;
    case Reload::kTls:
      return reloadTls();
    case Reload::kTokens:
      return reloadTokens();
    case Reload::kQuotas:
      accounts_->setRegistrationsPerHour(config_.registrationsPerHour);
      rooms_->setRoomsPerHour(config_.roomsPerHour);
      return true;
  }
  return false;
}

void Application::reload() {
  LOG_INFO("received SIGHUP: reading the configuration again");
  LoadedConfig fresh = reread_();
  for (const std::string& warning : fresh.warnings) LOG_WARN("reload: %s", warning.c_str());
  if (!fresh.problems.empty()) {
    for (const std::string& problem : fresh.problems) LOG_ERROR("reload: %s", problem.c_str());
    LOG_ERROR("reload refused: %zu problem(s); still running with the previous configuration", fresh.problems.size());
    return;
  }
  const ConfigDiff diff = diffConfigs(config_, fresh.config);
  const Config before = config_;
  // The certificate and public key files may be new under the same names.
  std::set<Reload> steps{Reload::kTls, Reload::kTokens};
  for (const ConfigChange& change : diff.reloadable) {
    change.option->copy(config_, fresh.config);
    steps.insert(change.option->reload);
  }
  // The log's settings go last; meanwhile this reload's lines are logged at the
  // more verbose of the two levels, so a change from info to warn says so too.
  steps.erase(Reload::kLogging);
  reactor::configureLog({.level = std::min(before.logLevel, config_.logLevel), .format = before.logFormat});
  std::set<Reload> failed;
  for (Reload step : steps) {
    if (!applyReload(step)) failed.insert(step);
  }
  reloadApiKeys();  // the key file may hold new keys under the same name
  for (const ConfigChange& change : diff.reloadable) {
    if (failed.count(change.option->reload)) {
      change.option->copy(config_, before);  // back to the value still in force
      LOG_ERROR("reload: %s not applied", describe(change).c_str());
    } else {
      LOG_INFO("reload: %s", describe(change).c_str());
    }
  }
  if (!diff.needRestart.empty()) {
    LOG_WARN("reload: changed, but only a restart applies them (running with the previous values): %s",
             keysOf(diff.needRestart).c_str());
  }
  if (diff.reloadable.empty() && diff.needRestart.empty()) LOG_INFO("reload: no setting changed");
  applyReload(Reload::kLogging);
}

void Application::start(Started started) {
  std::string error;
  if (!openTls(error)) return started(error);
  // Sharing the port (--reuse-port) without a shared store (--redis), a
  // process serves only the endpoints that keep no shared state: a chat
  // split over processes would not deliver.
  if (config_.reusePort && config_.redisUrls.empty()) return listen(started);
  if (!openWebhooks(loop_, config_, webhooks_, error) || !openStore(error) || !loadWebClient(error) ||
      !loadApiKeys(error)) {
    return started(error);
  }
  withJwtSecret([this, started = std::move(started)](std::optional<std::string> secret, const std::string& failure) {
    std::string error = failure;
    if (!secret || !makeTokens(std::move(*secret), error)) return started(error);
    // Logouts are read before listening, so no logged-out token is let in
    // meanwhile; the store answers later in the loop, and startup goes on from there.
    loadRevokedTokens(started);
  });
}

void Application::listen(const Started& started) {
  std::string error;
  if (!listenPrivately(error)) return started("--metrics-listen: " + error);
  addProbes();
  if (!http_.listen(error)) return started(error);
  if (private_) LOG_INFO("serving /metrics, /healthz and /readyz on %s", private_->localAddress().toString().c_str());
  // Not the Redis URL: it may carry a password.
  const std::string serving = !store_                     ? "echo and broadcast only"
                              : config_.redisUrls.empty()   ? "data in " + config_.dataDir
                              : config_.redisUrls.size() == 1 ? "a cluster node on redis"
                                                            : "a cluster node on " +
                                                                  std::to_string(config_.redisUrls.size()) +
                                                                  " redis shards";
  LOG_INFO("listening on %s (%s)", localAddress().toString().c_str(), serving.c_str());
  notifier_.ready([this] { return serviceStatus(http_, hub_.get(), draining_); });
  started({});
}

void Application::beginShutdown() {
  // Waiting password checks would hold the exit until each was computed.
  if (accounts_) accounts_->stopHashing();
  if (!draining_) {
    draining_ = true;
    notifier_.stopping();
  }
  if (polls_) polls_->shutdown();
  http_.beginShutdown();
}

}  // namespace chatd::app
