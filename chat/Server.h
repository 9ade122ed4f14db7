// Assembles a running chatd: the listener, the signal handling, the routes
// and every client Connection. Owns the connections (an intrusive list, so an
// idle connection costs no map node); borrows the EventLoop.
//
// Shutdown (SIGTERM/SIGINT): stop accepting, send every WebSocket Close 1001,
// close idle HTTP connections, and stop the loop when the last connection is
// gone or the drain timeout passes. SIGHUP is logged and ignored (no reload yet).
#pragma once

#include <memory>
#include <string>

#include "chat/AccountApi.h"
#include "chat/BroadcastEndpoint.h"
#include "chat/ChatEndpoint.h"
#include "chat/Config.h"
#include "chat/CorsPolicy.h"
#include "chat/EchoEndpoint.h"
#include "chat/Hub.h"
#include "chat/MessageApi.h"
#include "chat/RoomApi.h"
#include "chat/StaticFiles.h"
#include "chat/Router.h"
#include "chat/TokenService.h"
#include "proto/HttpParser.h"
#include "reactor/Acceptor.h"
#include "reactor/EventLoop.h"
#include "reactor/SignalSet.h"
#include "reactor/WorkerPool.h"
#include "store/LocalBus.h"
#include "store/Store.h"

namespace chatd::chat {

class Connection;

class Server final : public reactor::TimerHandler {
 public:
  Server(reactor::EventLoop& loop, Config config);
  ~Server();

  // Opens the store (creating the data directory), sets up tokens and the
  // API, then binds the listener. False with `error` on failure.
  bool start(std::string& error);
  reactor::SocketAddress localAddress() const { return acceptor_.localAddress(); }
  void beginShutdown();

  reactor::EventLoop& loop() { return loop_; }
  const Config& config() const { return config_; }
  const Router& router() const { return router_; }
  const Hub* hub() const { return hub_.get(); }
  const CorsPolicy& cors() const { return cors_; }
  const proto::HttpLimits& httpLimits() const { return httpLimits_; }
  size_t connectionCount() const { return connectionCount_; }

  // Called by a Connection once its socket is closed; schedules its destruction.
  void connectionClosed(Connection* connection);

  // The drain deadline, and the heap check that gives a burst's memory back.
  void handleTimer(reactor::Timer& timer) override;

 private:
  void onAccept(int fd);

  reactor::EventLoop& loop_;
  Config config_;
  proto::HttpLimits httpLimits_;
  bool openStore(std::string& error);
  // Logouts survive restarts: the store's list goes into the TokenService.
  bool loadRevokedTokens(std::string& error);
  bool loadWebClient(std::string& error);

  CorsPolicy cors_;
  Router router_;
  std::unique_ptr<store::Store> store_;
  // Declared after the store: they finish first.
  std::unique_ptr<reactor::WorkerPool> hashWorkers_;        // AccountApi's password hashing only
  std::unique_ptr<reactor::WorkerPool> checkpointWorkers_;  // the store's WAL checkpoints
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<AccountApi> accounts_;
  std::unique_ptr<RoomApi> rooms_;
  store::LocalBus bus_;  // room events: one process, so in process
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<ChatEndpoint> chat_;
  std::unique_ptr<MessageApi> messages_;
  std::optional<StaticFiles> webFiles_;
  EchoEndpoint echo_;
  BroadcastEndpoint broadcast_;
  reactor::Acceptor acceptor_;
  reactor::SignalSet signals_;
  reactor::Timer drainTimer_{this};
  reactor::Timer heapTimer_{this};
  const std::string busyResponse_;  // 503 for connections over --max-connections
  Connection* connections_ = nullptr;  // head of the intrusive list
  size_t connectionCount_ = 0;
  bool shuttingDown_ = false;
};

}  // namespace chatd::chat
