// Assembles a running chatd from its parts: the store, the token service, the
// API, the hub and the chat endpoint, the web client, the HTTP server and the
// signal handling; fills the server's route table. Owns every part; borrows
// the EventLoop.
//
// SIGTERM/SIGINT: shut down (HttpServer::beginShutdown). SIGHUP reloads the
// TLS certificate and key (other settings are not reloaded yet). Under a
// service manager ($NOTIFY_SOCKET) it reports READY=1 once listening,
// STOPPING=1 at the drain, a STATUS= line and the watchdog pings.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/AccountApi.h"
#include "api/AdminApi.h"
#include "api/MessageApi.h"
#include "api/RoomApi.h"
#include "app/Config.h"
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
#include "store/Store.h"

namespace chatd::app {

class Application {
 public:
  Application(reactor::EventLoop& loop, Config config);

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
  store::StoreOptions storeOptions() const;
  // The store and the bus that goes with it.
  bool openStore(std::string& error);
  // The JWT secret: --jwt-secret, else the cluster's (in Redis, with
  // --redis), else the data directory's; `done` may run later in the loop.
  void withJwtSecret(std::function<void(std::optional<std::string> secret, const std::string& error)> done);
  bool makeTokens(std::string secret, std::string& error);
  // Logouts survive restarts: the store's list goes into the TokenService;
  // then the chat is assembled and the listener bound.
  void loadRevokedTokens(Started started);
  void assembleChat();
  void listen(const Started& started);
  bool loadWebClient(std::string& error);
  // --api-key-file: the admin API's keys; none: no admin API.
  bool loadApiKeys(std::string& error);
  void addProbes();
  // --tls-cert: the listener's TLS context; reloadTls() on SIGHUP.
  bool openTls(std::string& error);
  void reloadTls();

  reactor::EventLoop& loop_;
  const Config config_;
  std::unique_ptr<store::Store> store_;
  // Declared after the store: they finish first.
  std::unique_ptr<reactor::WorkerPool> hashWorkers_;        // AccountApi's password hashing only
  std::unique_ptr<reactor::WorkerPool> checkpointWorkers_;  // the store's WAL checkpoints
  std::unique_ptr<auth::TokenService> tokens_;
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
  std::optional<auth::ApiKeys> apiKeys_;
  auth::RegistrationPolicy registration_;
  std::unique_ptr<api::AdminApi> admin_;
  std::optional<server::StaticFiles> webFiles_;
  server::EchoEndpoint echo_;
  server::BroadcastEndpoint broadcast_;
  std::unique_ptr<reactor::TlsContext> tls_;
  // Declared last: its connections go first, while what they use still exists.
  server::HttpServer http_;
  reactor::SignalSet signals_;
  reactor::ServiceNotifier notifier_;
  bool draining_ = false;
};

}  // namespace chatd::app
