// Assembles a running chatd from its parts: the store, the token service, the
// API, the hub and the chat endpoint, the web client, the HTTP server and the
// signal handling; fills the server's route table. Owns every part; borrows
// the EventLoop.
//
// SIGTERM/SIGINT: shut down (HttpServer::beginShutdown). SIGHUP reloads: the
// configuration is read again (its source: the file, the environment and the
// original flags), a reloadable option's new value goes into the Config every
// part reads and its Reload step runs; a changed option that is not
// reloadable keeps its value until a restart (logged); a configuration with
// any problem is refused whole. The TLS certificate and key are read again on
// every SIGHUP (a renewed certificate keeps its paths).
// Under a service manager ($NOTIFY_SOCKET) it reports READY=1 once listening,
// STOPPING=1 at the drain, a STATUS= line and the watchdog pings.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/AccountApi.h"
#include "api/AdminApi.h"
#include "api/AvatarApi.h"
#include "api/FileApi.h"
#include "api/FileCollector.h"
#include "api/UserApi.h"
#include "server/PollSessions.h"
#include "api/MessageApi.h"
#include "api/RoomApi.h"
#include "app/Config.h"
#include "app/ConfigLoader.h"
#include "app/WebhookSetup.h"
#include "auth/ApiKeys.h"
#include "auth/IdentityResolver.h"
#include "auth/RegistrationPolicy.h"
#include "auth/TokenService.h"
#include "chat/ChatEndpoint.h"
#include "chat/Hub.h"
#include "chat/RoomService.h"
#include "reactor/EventLoop.h"
#include "reactor/ServiceNotifier.h"
#include "reactor/SignalSet.h"
#include "reactor/TlsContext.h"
#include "reactor/WorkerPool.h"
#include "server/BroadcastEndpoint.h"
#include "server/EchoEndpoint.h"
#include "server/HttpServer.h"
#include "server/StaticFiles.h"
#include "store/Bus.h"
#include "store/PresenceBoard.h"
#include "store/StoreFactory.h"
#include "store/StoreMetrics.h"
#include "store/Store.h"

namespace chatd::app {

class Application {
 public:
  // What SIGHUP reads: the configuration as it would start now (loadConfig
  // with the same command line).
  using ConfigSource = std::function<LoadedConfig()>;
  Application(reactor::EventLoop& loop, Config config, ConfigSource reread);

  // Called once startup is over: with an empty string once listening, else
  // with what failed.
  using Started = std::function<void(const std::string& error)>;
  // Opens the store (creating the data directory), sets up tokens, the API
  // and the chat, then binds the listener. Asynchronous: the store answers
  // in the loop, so `started` runs from there (or at once on an early failure).
  void start(Started started);
  reactor::SocketAddress localAddress() const { return http_.localAddress(); }
  void beginShutdown();
  // Reads --api-key-file again (for SIGHUP); on failure keeps the old keys and says why.
  void reloadApiKeys();

 private:
  store::StoreOptions storeOptions();
  // The store and the bus that goes with it.
  bool openStore(std::string& error);
  // The JWT secret: --jwt-secret, else the cluster's (in Redis, with
  // --redis), else the data directory's; `done` may run later in the loop.
  void withJwtSecret(std::function<void(std::optional<std::string> secret, const std::string& error)> done);
  bool makeTokens(std::string secret, std::string& error);
  // --jwt-public-key's PEM into `pem` ("" without one); false with `error`.
  bool readPublicKey(std::string& pem, std::string& error) const;
  // SIGHUP: the token service takes config_'s keys and rules.
  bool reloadTokens();
  // Logouts survive restarts: the store's list goes into the TokenService;
  // then the chat is assembled and the listener bound.
  void loadRevokedTokens(Started started);
  void assembleChat();
  // Logs a warning when the store holds a registration mode, set through the
  // admin API, other than --registration: it is the one in force.
  void warnOfRegistrationOverride();
  void listen(const Started& started);
  bool loadWebClient(std::string& error);
  // --api-key-file: the admin API's keys; none: no admin API.
  bool loadApiKeys(std::string& error);
  void addProbes();
  std::string metrics() const;
  // --metrics-listen: the private listener, serving only the probes and /metrics.
  bool listenPrivately(std::string& error);
  // --tls-cert: the listener's TLS context; reloadTls() on SIGHUP.
  bool openTls(std::string& error);
  bool reloadTls();
  // SIGHUP: the configuration read again, applied (ConfigDiff).
  void reload();
  // Puts the options of `step` in force after their values changed in config_; false if it could not.
  bool applyReload(Reload step);

  reactor::EventLoop& loop_;
  // Parts keep references to it (its ServerOptions and ChatOptions bases): a
  // reload changes the values they read.
  Config config_;
  ConfigSource reread_;
  std::unique_ptr<store::Store> store_;
  // Declared after the store: they finish first.
  std::unique_ptr<reactor::WorkerPool> hashWorkers_;        // AccountApi's password hashing only
  std::unique_ptr<reactor::WorkerPool> checkpointWorkers_;  // the store's WAL checkpoints
  std::unique_ptr<reactor::WorkerPool> fileWorkers_;        // uploads' file writes, one lane
  std::unique_ptr<store::FileBlobs> blobs_;                 // <data>/files
  std::unique_ptr<auth::TokenService> tokens_;
  bool secretFromConfig_ = false;  // tokens_ signs with config_.jwtSecret, not the stored secret
  std::unique_ptr<auth::IdentityResolver> identities_;
  std::unique_ptr<api::AccountApi> accounts_;
  std::unique_ptr<chat::RoomService> roomService_;
  std::unique_ptr<api::RoomApi> rooms_;
  std::unique_ptr<store::Bus> bus_;  // room events: in process, or between the nodes of a cluster
  std::unique_ptr<store::PresenceBoard> presence_;  // who is online across the nodes (StoreFactory's choice)
  WebhookDelivery webhooks_;  // --webhook-url's sender; declared before the hub, which borrows it
  std::unique_ptr<chat::Hub> hub_;
  std::unique_ptr<chat::ChatEndpoint> chat_;
  std::unique_ptr<api::MessageApi> messages_;
  std::unique_ptr<api::FileApi> files_;
  std::unique_ptr<api::UserApi> users_;
  std::unique_ptr<api::FileCollector> fileCollector_;
  std::unique_ptr<server::PollSessions> polls_;  // the chat protocol over HTTP long-polling  // uploads nothing refers to, after --file-grace
  std::unique_ptr<api::AvatarApi> avatars_;
  std::optional<auth::ApiKeys> apiKeys_;
  auth::RegistrationPolicy registration_;
  std::unique_ptr<api::AdminApi> admin_;
  std::optional<server::StaticFiles> webFiles_;
  server::EchoEndpoint echo_;
  server::BroadcastEndpoint broadcast_;
  std::unique_ptr<reactor::TlsContext> tls_;
  store::StoreMetrics storeMetrics_;  // lent to the store, read by /metrics
  // Declared last: its connections go first, while what they use still exists.
  server::HttpServer http_;
  server::ServerOptions privateOptions_;          // --metrics-listen's: the public ones but the address
  std::unique_ptr<server::HttpServer> private_;  // --metrics-listen; serves on through the drain
  reactor::SignalSet signals_;
  reactor::ServiceNotifier notifier_;
  bool draining_ = false;
};

}  // namespace chatd::app
