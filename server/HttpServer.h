// The HTTP/1.1 + WebSocket server: the listener, the route table and the
// CORS policy every request goes through, and every client Connection. Owns
// the connections (an intrusive list, so an idle connection costs no map
// node), the routes and the listener; borrows the loop and the options, which
// the owner may change between iterations: most are read where they are used,
// and applyOptions() takes in the rest.
//
// Shutdown: stop accepting, send every WebSocket Close 1001, close idle HTTP
// connections, and stop the loop when the last connection is gone or the
// drain timeout passes. Knows no chat, no auth and no API by name: the
// application registers what answers which path (Router).
#pragma once

#include <string>

#include "proto/HttpParser.h"
#include "reactor/Acceptor.h"
#include "reactor/EventLoop.h"
#include "reactor/TlsContext.h"
#include "server/ClientLimits.h"
#include "server/CorsPolicy.h"
#include "server/RequestCounts.h"
#include "server/Router.h"
#include "server/TrustedProxies.h"
#include "server/ServerOptions.h"
#include "server/WsCompression.h"

namespace chatd::server {

class Connection;

class HttpServer final : public reactor::TimerHandler {
 public:
  HttpServer(reactor::EventLoop& loop, const ServerOptions& options);
  ~HttpServer();

  // Binds options.listen (SO_REUSEPORT with options.reusePort). False with
  // `error`, also for options it cannot use (a bad --trusted-proxy).
  bool listen(std::string& error);
  // Derives again what the server keeps of its options (the CORS policy, the
  // trusted proxies, the per-address limits, the body limit), after the
  // owner changed them (a reload). False with `error`, changing nothing.
  bool applyOptions(std::string& error);
  reactor::SocketAddress localAddress() const { return acceptor_.localAddress(); }
  void beginShutdown();

  Router& router() { return router_; }
  reactor::EventLoop& loop() { return loop_; }
  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  const CorsPolicy& cors() const { return cors_; }
  const TrustedProxies& trustedProxies() const { return trustedProxies_; }
  ClientLimits& clientLimits() { return clientLimits_; }
  const ClientLimits& clientLimits() const { return clientLimits_; }
  const proto::HttpLimits& httpLimits() const { return httpLimits_; }
  WsCompression& compression() { return compression_; }
  const WsCompression& compression() const { return compression_; }
  size_t connectionCount() const { return connectionCount_; }
  // The connections by what they do now: a TLS handshake, reading HTTP
  // requests, an open WebSocket, closing (a closing handshake or a flush
  // before the close). Walks every connection: for a scrape, not a hot path.
  struct ConnectionStates {
    size_t tlsHandshake = 0;
    size_t http = 0;
    size_t webSocket = 0;
    size_t closing = 0;
  };
  ConnectionStates connectionStates() const;
  // Connections refused (503) because --max-connections were open.
  uint64_t connectionsRefusedOverMax() const { return refusedOverMax_; }
  RequestCounts& requestCounts() { return requestCounts_; }
  const RequestCounts& requestCounts() const { return requestCounts_; }

  // 503 for a client address past --max-connections-per-ip.
  static proto::HttpResponse addressBusy();
  // Serve every connection over TLS from now on (the context outlives the server).
  void secureWith(reactor::TlsContext* context) { tls_ = context; }
  reactor::TlsContext* transportSecurity() const { return tls_; }
  // What a plain-HTTP request to a TLS listener hears, unencrypted, before the close.
  static std::string plainHttpOnTlsPort();

  // Called by a Connection once its socket is closed; schedules its destruction.
  void connectionClosed(Connection* connection);

  // The drain deadline, and the heap check that gives a burst's memory back.
  void handleTimer(reactor::Timer& timer) override;

 private:
  void onAccept(int fd);
  static void sendAtOnce(int fd, const std::string& bytes);  // the answer to a connection not taken

  reactor::EventLoop& loop_;
  const ServerOptions& options_;
  proto::HttpLimits httpLimits_;
  CorsPolicy cors_;
  TrustedProxies trustedProxies_;
  ClientLimits clientLimits_;
  WsCompression compression_;  // lent to the connections that negotiated permessage-deflate
  Router router_;
  reactor::Acceptor acceptor_;
  reactor::Timer drainTimer_{this};
  reactor::Timer heapTimer_{this};
  const std::string busyResponse_;         // 503 for connections over --max-connections
  const std::string addressBusyResponse_;  // 503 for an address over --max-connections-per-ip
  reactor::TlsContext* tls_ = nullptr;  // not owned; null: plain TCP
  Connection* connections_ = nullptr;  // head of the intrusive list
  size_t connectionCount_ = 0;
  uint64_t refusedOverMax_ = 0;
  RequestCounts requestCounts_;
  bool shuttingDown_ = false;
};

}  // namespace chatd::server
